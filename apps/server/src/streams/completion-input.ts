// What a generation or routing stream needs from a request, whichever API it came through:
// tRPC and REST send plain messages, the OpenAI-compatible API any role, content parts and
// provider fields to pass through.
import type { CompressOption } from '@tokenflow/api'
import type { Passthrough, ProviderMessage } from '../providers/chat-provider'
import type { CompletionPlan } from './run-completion'

export type CompletionInput = {
  messages: ProviderMessage[]
  sampling: CompletionPlan['sampling']
  passthrough?: Passthrough
  compress?: CompressOption
}
