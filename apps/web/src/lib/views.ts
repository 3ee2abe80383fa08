// The console's views, in navigation order.
export const VIEWS = [
  { id: 'compress', label: 'Compress' },
  { id: 'classify', label: 'Classify' },
  { id: 'chat', label: 'Chat' },
  { id: 'generate', label: 'Generate' },
  { id: 'models', label: 'Models' },
  { id: 'usage', label: 'Usage' },
  { id: 'requests', label: 'Requests' },
  { id: 'keys', label: 'Keys' },
] as const

export type ViewId = (typeof VIEWS)[number]['id']

export const isViewId = (value: string): value is ViewId => VIEWS.some((view) => view.id === value)
