// A request named a model the catalog does not have. A BAD_REQUEST for tRPC and REST; the
// OpenAI-compatible API answers it 404 `model_not_found`, as OpenAI does.
import { TRPCError } from '@trpc/server'

export class UnknownModelError extends TRPCError {
  constructor(readonly model: string) {
    super({
      code: 'BAD_REQUEST',
      message: `model: unknown model "${model}" (models.list shows the catalog ids)`,
    })
  }
}
