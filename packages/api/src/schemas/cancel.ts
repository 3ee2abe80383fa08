// Explicit cancel of a running stream, by the id its `metadata` event carries.
import { z } from 'zod'

export const cancelInputSchema = z.object({
  streamId: z.string().min(1).max(200),
})
export type CancelInput = z.infer<typeof cancelInputSchema>

export const cancelOutputSchema = z.object({
  /** False when the stream had already finished or is unknown (expired, or never existed). */
  cancelled: z.boolean(),
})
export type CancelOutput = z.infer<typeof cancelOutputSchema>
