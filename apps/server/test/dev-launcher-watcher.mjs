// Stands in for `tsx watch` under the dev launcher's test: it runs an HTTP server in a child
// process on PORT and, like a watcher, lives on (doing nothing) when that child dies.
import { fork } from 'node:child_process'
import { createServer } from 'node:http'

if (process.argv[2] === 'server') {
  createServer((_req, res) => res.end('ok')).listen(Number(process.env.PORT), '127.0.0.1', () => {
    console.log('server', process.pid)
  })
} else {
  fork(new URL(import.meta.url).pathname, ['server'])
  setInterval(() => {}, 1_000)
}
