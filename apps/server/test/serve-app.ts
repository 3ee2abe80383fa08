// Serves a built app on a free port over real sockets, as src/index.ts does.
import { serve } from '@hono/node-server'
import { freePort } from './free-port'

type Fetchable = { fetch: (request: Request, ...rest: never[]) => Response | Promise<Response> }

export const serveApp = async (app: Fetchable) => {
  const port = await freePort()
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const started = serve(
      {
        fetch: app.fetch as (request: Request) => Response | Promise<Response>,
        hostname: '127.0.0.1',
        port,
      },
      () => resolve(started),
    )
  })
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        if ('closeAllConnections' in server) server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
