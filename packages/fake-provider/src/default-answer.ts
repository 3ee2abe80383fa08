// The answer for a model nobody scripted: derived from the prompt, so it is deterministic and a
// test can predict it without scripting anything.

type Message = { role?: unknown; content?: unknown }

const lastUserText = (messages: unknown): string => {
  if (!Array.isArray(messages)) return ''
  const users = (messages as Message[]).filter((m) => m?.role === 'user')
  const content = users.at(-1)?.content
  return typeof content === 'string' ? content : ''
}

const words = (text: string, first: string) =>
  [first, ...text.split(/\s+/).filter(Boolean).slice(0, 64)].map((word, index) =>
    index === 0 ? word : ` ${word}`,
  )

/** Splits `Echo: <words of the latest user turn>` into word chunks (space kept on the chunk). */
export const defaultAnswer = (messages: unknown): string[] => words(lastUserText(messages), 'Echo:')

/** The last message, when it is a tool result: the turn a tool-calling model answers in text. */
export const lastToolResult = (messages: unknown): string | null => {
  if (!Array.isArray(messages)) return null
  const last = (messages as Message[]).at(-1)
  if (last?.role !== 'tool') return null
  return typeof last.content === 'string' ? last.content : ''
}

/** Splits `Tool said: <words of the tool result>` into word chunks, as defaultAnswer does. */
export const toolResultAnswer = (content: string): string[] => words(content, 'Tool said:')

/** A rough token count (words), enough for usage numbers the tests can check. */
export const countTokens = (text: string): number => text.split(/\s+/).filter(Boolean).length

export const promptTokens = (messages: unknown): number =>
  Array.isArray(messages)
    ? (messages as Message[]).reduce(
        (sum, m) => sum + (typeof m?.content === 'string' ? countTokens(m.content) : 0),
        0,
      )
    : 0
