#!/usr/bin/env bash
# Debian's redis-server and haproxy, for the stack and its tests.
exec bash "$(dirname "$0")/../../scripts/apt-ensure.sh" deploy \
  redis-server=/usr/bin/redis-server haproxy=/usr/sbin/haproxy
