// Renders deploy/haproxy.cfg for a set of gateway replicas: the template keeps every setting, this
// only fills in where HAProxy listens and one `server` line per replica.
import { readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

export type HaproxyServer = { name: string; host: string; port: number }

const template = resolve(dirname(fileURLToPath(import.meta.url)), '../haproxy.cfg')

export const haproxyConfig = ({ bind, servers }: { bind: string; servers: HaproxyServer[] }) =>
  readFileSync(template, 'utf8')
    .replace('{{BIND}}', bind)
    .replace(
      '{{SERVERS}}',
      servers.map(({ name, host, port }) => `    server ${name} ${host}:${port}`).join('\n'),
    )
