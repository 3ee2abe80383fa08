// One logged request in full: how it was routed, what compression did, how long it took, how it
// ended, and the prompt and answer when the server stores them (LOG_PROMPTS).
import type { RequestRecord } from '@tokenflow/api'
import type { ReactNode } from 'react'
import { formatCount, formatMs, formatPercent, formatUsd } from '../lib/format'
import { formatDateTime } from '../lib/format-time'
import { StatusPill } from './status-pill'

type Fact = [label: string, value: ReactNode]

function Facts({ title, facts }: { title: string; facts: Fact[] }) {
  return (
    <section className="detail-section" aria-label={title}>
      <h3>{title}</h3>
      <dl className="facts facts-grid">
        {facts.map(([label, value]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
    </section>
  )
}

const orDash = (value: string | null) => value ?? '—'

function Text({ title, text }: { title: string; text: string }) {
  return (
    <section className="detail-section" aria-label={title}>
      <h3>{title}</h3>
      <pre className="detail-text">{text}</pre>
    </section>
  )
}

export function RequestDetails({ record }: { record: RequestRecord }) {
  const compressed = record.compressionMethod !== null
  return (
    <div className="request-details">
      <p className="muted small">
        {formatDateTime(record.time)} · {record.kind} via {record.endpoint} ·{' '}
        <StatusPill status={record.status} />
      </p>
      <Facts
        title="Decision"
        facts={[
          ['Requested model', record.requestedModel ?? 'auto (routing chose)'],
          ['Answered by', orDash(record.model)],
          ['Provider', orDash(record.provider)],
          [
            'Category',
            record.category === null
              ? '—'
              : `${record.category}${record.confidence === null ? '' : ` (${formatPercent(record.confidence)} confident)`}`,
          ],
          ['Strategy', orDash(record.strategy)],
          ['Fallbacks', record.fallbacks === 0 ? 'none' : formatCount(record.fallbacks)],
        ]}
      />
      <Facts
        title="Compression"
        facts={[
          ['Method', record.compressionMethod ?? 'not applied'],
          [
            'Tokens',
            compressed && record.originalTokens !== null && record.compressedTokens !== null
              ? `${formatCount(record.originalTokens)} → ${formatCount(record.compressedTokens)}`
              : '—',
          ],
          ['Saved', `${formatCount(record.savedTokens)} tokens · ${formatUsd(record.savedUsd)}`],
        ]}
      />
      <Facts
        title="Usage and timings"
        facts={[
          [
            'Tokens',
            `${formatCount(record.promptTokens)} in · ${formatCount(record.completionTokens)} out`,
          ],
          ['Cost', formatUsd(record.costUsd)],
          ['First token', record.ttftMs === null ? '—' : formatMs(record.ttftMs)],
          ['Total', formatMs(record.totalMs)],
        ]}
      />
      <Facts
        title="Outcome"
        facts={[
          ['Finish reason', orDash(record.finishReason)],
          ['Error code', orDash(record.errorCode)],
          ['Request id', orDash(record.requestId)],
          ['API key', orDash(record.apiKeyId)],
        ]}
      />
      {record.prompt !== null && <Text title="Prompt" text={record.prompt} />}
      {record.answer !== null && <Text title="Answer" text={record.answer} />}
      {record.prompt === null && record.answer === null && (
        <p className="muted small">
          The prompt and answer are stored only when the server runs with LOG_PROMPTS on.
        </p>
      )}
    </div>
  )
}
