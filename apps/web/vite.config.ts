/// <reference types="vitest/config" />
// The console is served same-origin: the dev server and `vite preview` both proxy the API paths
// to the TokenFlow server, so the browser never needs CORS or a configured API URL. When the
// server requires an API key, the proxy adds it, so the key never reaches the browser.
import react from '@vitejs/plugin-react'
import { defineConfig, type ProxyOptions } from 'vite'

const target = process.env.TOKENFLOW_SERVER_URL ?? 'http://127.0.0.1:8000'
const apiKey = process.env.TOKENFLOW_API_KEY?.trim()

const proxyOptions: ProxyOptions = {
  target,
  changeOrigin: true,
  ...(apiKey ? { headers: { authorization: `Bearer ${apiKey}` } } : {}),
}

const proxy: Record<string, ProxyOptions> = Object.fromEntries(
  ['/trpc', '/api', '/healthz', '/readyz'].map((path) => [path, proxyOptions]),
)

export default defineConfig({
  plugins: [react()],
  server: { port: 3000, strictPort: true, proxy },
  preview: { port: 3000, strictPort: true, proxy },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.{ts,tsx}'],
  },
})
