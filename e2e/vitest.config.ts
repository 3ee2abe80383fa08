// The e2e suite: one global setup starts the whole stack once; the tests drive a real browser
// through it in order, so they run in a single worker, one file at a time.
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    globalSetup: ['./src/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 90_000,
    hookTimeout: 120_000,
  },
})
