#!/usr/bin/env bash
# The Debian servers the server's tests start for real: PostgreSQL (test/postgres-server.ts) and
# Redis (test/redis-server.ts).
exec bash "$(dirname "$0")/../../../scripts/apt-ensure.sh" server \
  'postgresql=/usr/lib/postgresql/*/bin/postgres' redis-server=/usr/bin/redis-server
