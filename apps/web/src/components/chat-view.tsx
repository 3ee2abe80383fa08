// Chat: every message is classified, routed to the best model for its category, and streamed.
import type { RouteInput, Strategy } from '@tokenflow/api'
import { useCallback, useId, useState } from 'react'
import { type Subscribe, toMessages, useConversation } from '../hooks/use-conversation'
import type { SamplingInput } from '../lib/stream-settings'
import { trpc } from '../trpc'
import { Composer } from './composer'
import { ConversationLog } from './conversation-log'
import { DecisionPanel } from './decision-panel'

const STRATEGIES: { id: Strategy; label: string }[] = [
  { id: 'balanced', label: 'Balanced' },
  { id: 'quality', label: 'Best quality' },
  { id: 'cheapest', label: 'Cheapest' },
]

export function ChatView() {
  const strategyId = useId()
  const [strategy, setStrategy] = useState<Strategy>('balanced')
  const utils = trpc.useUtils()
  const subscribe = useCallback<Subscribe<RouteInput>>(
    (input, handlers) => utils.client.routing.stream.subscribe(input, handlers),
    [utils],
  )
  const conversation = useConversation(subscribe)

  const onSend = (prompt: string, sampling: SamplingInput) =>
    conversation.send(prompt, {
      messages: [...toMessages(conversation.turns), { role: 'user', content: prompt }],
      strategy,
      ...sampling,
    })

  return (
    <section className="view view-stream" aria-labelledby="chat-title">
      <header className="view-header">
        <h1 id="chat-title">Chat</h1>
        <p className="muted">Auto-routing: each message goes to the best model for its category.</p>
      </header>
      <div className="stream-layout">
        <div className="stream-main">
          <ConversationLog
            turns={conversation.turns}
            empty="Send a message: TokenFlow classifies it, picks a model and streams the answer."
          />
          <Composer
            streaming={conversation.streaming}
            canClear={conversation.turns.length > 0}
            onSend={onSend}
            onStop={conversation.stop}
            onClear={conversation.clear}
            fields={
              <div className="field">
                <label htmlFor={strategyId}>Strategy</label>
                <select
                  id={strategyId}
                  value={strategy}
                  onChange={(event) => setStrategy(event.target.value as Strategy)}
                >
                  {STRATEGIES.map((s) => (
                    <option key={s.id} value={s.id}>
                      {s.label}
                    </option>
                  ))}
                </select>
              </div>
            }
          />
        </div>
        <DecisionPanel metadata={conversation.turns.at(-1)?.stream.metadata ?? null} />
      </div>
    </section>
  )
}
