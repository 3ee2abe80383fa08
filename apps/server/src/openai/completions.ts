// The server-side services the OpenAI-compatible API needs beyond the tRPC contract's.
import type { DirectGeneration } from '../generation/create-generation-service'
import type { Routing } from '../routing/create-routing-service'

export type Completions = {
  generation: DirectGeneration
  routing: Routing
}
