// The gateway under test: the real router and generation services behind tRPC's HTTP adapter
// (SSE for subscriptions), every provider pointed at the fake. No auth or rate limit in the way.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { appRouter, createContext } from '@tokenflow/api'
import { type FakeProvider, startFakeProvider } from '@tokenflow/fake-provider'
import { createHTTPHandler } from '@trpc/server/adapters/standalone'
import { servicesOnFake } from '../../apps/server/src/generation/providers-on-fake'

export type Gateway = { url: string; fake: FakeProvider; close(): Promise<void> }

export const startGateway = async (): Promise<Gateway> => {
  const fake = await startFakeProvider()
  const services = servicesOnFake(fake, { timeoutMs: 60_000 })
  const handler = createHTTPHandler({
    router: appRouter,
    basePath: '/trpc/',
    createContext: () => createContext(services),
  })
  const server = createServer((req, res) => handler(req, res))
  server.maxConnections = 10_000
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    fake,
    close: async () => {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
      await fake.close()
    },
  }
}

export const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b)
  if (sorted.length === 0) return Number.NaN
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[index] as number
}

export const round = (value: number, digits = 2) => Number(value.toFixed(digits))
