// The answer every Groq model streams in the e2e run: Markdown with a code block, cut into many
// small chunks with a pause between them, so the browser visibly receives it in steps.
const ANSWER = [
  'Streaming sends the answer **as it is generated**, so the first words show up ',
  'long before the last ones are ready.\n\n',
  'Here is how a client reads such a stream:\n\n',
  '```ts\n',
  'for await (const event of stream) {\n',
  "  if (event.type === 'text') render(event.delta)\n",
  '}\n',
  '```\n\n',
  '1. The gateway classifies the prompt and picks a model.\n',
  '2. It forwards the request and relays each token.\n',
  '3. The console renders the Markdown as it grows.\n',
].join('')

/** Splits the answer into chunks of a few words each, keeping whitespace with the words. */
export const scriptedChunks = (): string[] => ANSWER.match(/\S+\s*\S*\s*/g) ?? [ANSWER]

export const CHUNK_DELAY_MS = 90
