import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Integration tests start real processes (ML service, fake provider, HTTP servers).
    testTimeout: 60_000,
    hookTimeout: 240_000,
    // Two cores: one file at a time keeps the real ML service from being starved.
    fileParallelism: false,
  },
})
