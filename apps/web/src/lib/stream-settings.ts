// Sampling and compression settings of the streaming views, kept as typed-in strings and checked
// before sending so a mistake is named next to its field instead of failing on the server.
import type { CompressOption } from '@tokenflow/api'

export type CompressionMode = 'auto' | 'off' | 'ratio'

export type StreamSettings = {
  temperature: string
  topP: string
  maxTokens: string
  compression: CompressionMode
  compressionRatio: string
}

export const defaultStreamSettings: StreamSettings = {
  temperature: '0.7',
  topP: '1',
  maxTokens: '1024',
  compression: 'auto',
  compressionRatio: '0.5',
}

export type SamplingInput = {
  temperature: number
  topP: number
  maxTokens: number
  compress: CompressOption
}

type Parsed = { ok: true; value: SamplingInput } | { ok: false; error: string }

const inRange = (text: string, min: number, max: number, minExclusive = false) => {
  const value = Number(text)
  if (text.trim() === '' || !Number.isFinite(value)) return null
  if (minExclusive ? value <= min : value < min) return null
  return value > max ? null : value
}

export function parseStreamSettings(settings: StreamSettings): Parsed {
  const temperature = inRange(settings.temperature, 0, 2)
  if (temperature === null) return { ok: false, error: 'Temperature must be between 0 and 2.' }
  const topP = inRange(settings.topP, 0, 1, true)
  if (topP === null) return { ok: false, error: 'Top-p must be above 0 and at most 1.' }
  const maxTokens = inRange(settings.maxTokens, 1, 32_768)
  if (maxTokens === null || !Number.isInteger(maxTokens)) {
    return { ok: false, error: 'Max tokens must be a whole number from 1 to 32768.' }
  }
  let compress: CompressOption = settings.compression === 'off' ? 'off' : 'auto'
  if (settings.compression === 'ratio') {
    const ratio = inRange(settings.compressionRatio, 0, 1, true)
    if (ratio === null)
      return { ok: false, error: 'Compression ratio must be above 0 and at most 1.' }
    compress = { ratio }
  }
  return { ok: true, value: { temperature, topP, maxTokens, compress } }
}
