// The per-request context every procedure receives.
import type { Caller, Services } from './services'

export type Context = {
  services: Services
  requestId?: string
  /** Who is calling, as the gateway's auth saw it; absent means a trusted in-process caller. */
  caller?: Caller
}

export const createContext = (
  services: Services,
  requestId?: string,
  caller?: Caller,
): Context => ({ services, requestId, caller })
