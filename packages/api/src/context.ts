// The per-request context every procedure receives.
import type { Services } from './services'

export type Context = {
  services: Services
  requestId?: string
}

export const createContext = (services: Services, requestId?: string): Context => ({
  services,
  requestId,
})
