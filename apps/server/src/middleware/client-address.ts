// The caller's network address, for per-client limits. It is the socket's peer address;
// X-Forwarded-For is read only when TRUST_PROXY says how many reverse proxies stand in front
// (each appends the address it saw), because any client can send the header itself.
import type { Context } from 'hono'
import type { AppEnv } from '../app-env'

export type ClientAddressOptions = {
  /** Reverse proxies in front of the gateway whose X-Forwarded-For entries are trusted; 0: none. */
  trustProxyHops: number
}

/** The address, or 'unknown' without a Node socket (app.request() in tests). */
export const clientAddress = (
  c: Context<AppEnv>,
  { trustProxyHops }: ClientAddressOptions,
): string => {
  const peer = c.env?.incoming?.socket?.remoteAddress ?? 'unknown'
  if (trustProxyHops <= 0) return peer
  const forwarded = (c.req.header('x-forwarded-for') ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
  // [client, proxy 1, …, peer]: the entry `trustProxyHops` to the left of the peer was written by
  // the outermost trusted proxy; anything further left is whatever the client claimed.
  const chain = [...forwarded, peer]
  return chain[Math.max(0, chain.length - 1 - trustProxyHops)] ?? peer
}
