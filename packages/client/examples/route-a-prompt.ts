// Routes one prompt through TokenFlow and prints the decision, the answer and the stats.
// Run the server first (`pnpm dev`), then: pnpm --filter @tokenflow/client example "your prompt"
import { createTokenFlowClient } from '../src/index'

const client = createTokenFlowClient({
  url: process.env.TOKENFLOW_URL ?? 'http://localhost:8000',
  apiKey: process.env.TOKENFLOW_API_KEY,
})
const prompt = process.argv.slice(2).join(' ') || 'Explain in two sentences why the sky is blue.'

const subscription = client.routing.stream.subscribe(
  { prompt, strategy: 'balanced' },
  {
    onData: ({ data: event }) => {
      if (event.type === 'metadata') {
        const category = event.category
          ? `${event.category.id} (${event.category.confidence.toFixed(2)})`
          : 'none'
        console.log(`model: ${event.model.displayName} · category: ${category}`)
      } else if (event.type === 'text') {
        process.stdout.write(event.delta)
      } else if (event.type === 'end') {
        console.log(
          `\n${event.usage.totalTokens} tokens, first token after ${event.timeToFirstTokenMs} ms`,
        )
        subscription.unsubscribe()
      } else if (event.type === 'error') {
        console.error(`\n${event.code}: ${event.message}`)
        subscription.unsubscribe()
        process.exitCode = 1
      }
    },
    onError: (error) => {
      console.error(error.message)
      process.exitCode = 1
    },
  },
)
