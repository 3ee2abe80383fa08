import { generateInputSchema } from '../schemas/generation'
import { streamingProcedures } from './stream-procedure'

export const generationRouter = streamingProcedures(generateInputSchema, (s) => s.generation)
