// The answer for a model nobody scripted: derived from the prompt, so it is deterministic and a
// test can predict it without scripting anything.

type Message = { role?: unknown; content?: unknown }

const lastUserText = (messages: unknown): string => {
  if (!Array.isArray(messages)) return ''
  const users = (messages as Message[]).filter((m) => m?.role === 'user')
  const content = users.at(-1)?.content
  return typeof content === 'string' ? content : ''
}

/** Splits `Echo: <words of the latest user turn>` into word chunks (space kept on the chunk). */
export const defaultAnswer = (messages: unknown): string[] => {
  const words = lastUserText(messages).split(/\s+/).filter(Boolean).slice(0, 64)
  return ['Echo:', ...words].map((word, index) => (index === 0 ? word : ` ${word}`))
}

/** A rough token count (words), enough for usage numbers the tests can check. */
export const countTokens = (text: string): number => text.split(/\s+/).filter(Boolean).length

export const promptTokens = (messages: unknown): number =>
  Array.isArray(messages)
    ? (messages as Message[]).reduce(
        (sum, m) => sum + (typeof m?.content === 'string' ? countTokens(m.content) : 0),
        0,
      )
    : 0
