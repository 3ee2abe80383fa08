import { routeInputSchema } from '../schemas/generation'
import { streamingProcedures } from './stream-procedure'

export const routingRouter = streamingProcedures(routeInputSchema, (s) => s.routing)
