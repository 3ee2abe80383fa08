// Top navigation between the console's views.
import { VIEWS, type ViewId } from '../lib/views'

export function NavBar({ current }: { current: ViewId }) {
  return (
    <nav className="nav" aria-label="Views">
      {VIEWS.map((view) => (
        <a
          key={view.id}
          href={`#/${view.id}`}
          className="nav-link"
          aria-current={view.id === current ? 'page' : undefined}
        >
          {view.label}
        </a>
      ))}
    </nav>
  )
}
