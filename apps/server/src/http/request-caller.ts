// Who a request comes from, as the services see it (Caller), from what apiKeyAuth set: a virtual
// key is not an admin; a static key and auth off are.
import type { Caller, Endpoint } from '@tokenflow/api'
import type { Context } from 'hono'
import type { AppEnv } from '../app-env'

export const requestCaller = (c: Context<AppEnv>, endpoint: Endpoint): Caller => {
  const virtualKey = c.get('virtualKey')
  return {
    apiKeyId: c.get('apiKeyId') ?? null,
    admin: !virtualKey,
    endpoint,
    ...(virtualKey ? { virtualKey } : {}),
  }
}
