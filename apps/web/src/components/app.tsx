// The console shell: header with the status indicator, navigation, and the current view.
import { lazy, Suspense } from 'react'
import { useHashRoute } from '../hooks/use-hash-route'
import type { ViewId } from '../lib/views'
import { ChatView } from './chat-view'
import { ClassifyView } from './classify-view'
import { CompressView } from './compress-view'
import { GenerateView } from './generate-view'
import { KeysView } from './keys-view'
import { ModelsView } from './models-view'
import { NavBar } from './nav-bar'
import { RequestsView } from './requests-view'
import { StatusIndicator } from './status-indicator'

// Recharts is most of the Usage view; load it when the view is first opened.
const UsageView = lazy(() =>
  import('./usage-view').then((module) => ({ default: module.UsageView })),
)

const renderView = (view: ViewId) => {
  switch (view) {
    case 'compress':
      return <CompressView />
    case 'classify':
      return <ClassifyView />
    case 'chat':
      return <ChatView />
    case 'generate':
      return <GenerateView />
    case 'models':
      return <ModelsView />
    case 'usage':
      return (
        <Suspense fallback={<p className="muted">Loading usage…</p>}>
          <UsageView />
        </Suspense>
      )
    case 'requests':
      return <RequestsView />
    case 'keys':
      return <KeysView />
  }
}

export function App() {
  const view = useHashRoute('chat')
  return (
    <div className="shell">
      <header className="topbar">
        <a className="brand" href="#/chat">
          <span className="brand-mark" aria-hidden="true">
            ◆
          </span>
          TokenFlow
        </a>
        <NavBar current={view} />
        <StatusIndicator />
      </header>
      <main className="content" id="main">
        {renderView(view)}
      </main>
    </div>
  )
}
