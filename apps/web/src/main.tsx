// Entry point: mounts the console.
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './components/app'
import { TrpcProvider } from './trpc-provider'
import './styles.css'

const root = document.getElementById('root')
if (!root) throw new Error('index.html has no #root element')

createRoot(root).render(
  <StrictMode>
    <TrpcProvider>
      <App />
    </TrpcProvider>
  </StrictMode>,
)
