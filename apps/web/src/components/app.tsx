// The console shell: header with the status indicator, navigation, and the current view.
import { useHashRoute } from '../hooks/use-hash-route'
import type { ViewId } from '../lib/views'
import { ChatView } from './chat-view'
import { ClassifyView } from './classify-view'
import { CompressView } from './compress-view'
import { GenerateView } from './generate-view'
import { ModelsView } from './models-view'
import { NavBar } from './nav-bar'
import { StatusIndicator } from './status-indicator'

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
