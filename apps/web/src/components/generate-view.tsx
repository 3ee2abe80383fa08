// Generate: the same streaming console with the model picked by hand.
import type { GenerateInput } from '@tokenflow/api'
import { useCallback, useState } from 'react'
import { type Subscribe, toMessages, useConversation } from '../hooks/use-conversation'
import type { SamplingInput } from '../lib/stream-settings'
import { trpc } from '../trpc'
import { Composer } from './composer'
import { ConversationLog } from './conversation-log'
import { DecisionPanel } from './decision-panel'
import { ModelSelect } from './model-select'

export function GenerateView() {
  const [model, setModel] = useState('')
  const utils = trpc.useUtils()
  const subscribe = useCallback<Subscribe<GenerateInput>>(
    (input, handlers) => utils.client.generation.stream.subscribe(input, handlers),
    [utils],
  )
  const conversation = useConversation(subscribe)

  const onSend = (prompt: string, sampling: SamplingInput) =>
    conversation.send(prompt, {
      messages: [...toMessages(conversation.turns), { role: 'user', content: prompt }],
      model,
      ...sampling,
    })

  return (
    <section className="view view-stream" aria-labelledby="generate-title">
      <header className="view-header">
        <h1 id="generate-title">Generate</h1>
        <p className="muted">Stream from a model you choose, with the same compression options.</p>
      </header>
      <div className="stream-layout">
        <div className="stream-main">
          <ConversationLog turns={conversation.turns} empty="Pick a model and send a message." />
          <Composer
            streaming={conversation.streaming}
            canClear={conversation.turns.length > 0}
            onSend={onSend}
            onStop={conversation.stop}
            onClear={conversation.clear}
            fields={
              <ModelSelect label="Model" value={model} onChange={setModel} requireAvailable />
            }
          />
        </div>
        <DecisionPanel metadata={conversation.turns.at(-1)?.stream.metadata ?? null} />
      </div>
    </section>
  )
}
