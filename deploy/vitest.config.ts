// Each test file starts one whole stack (Redis, two ML services, three gateways, HAProxy), so the
// files run one at a time and the hooks get minutes, not seconds.
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 90_000,
    hookTimeout: 300_000,
  },
})
