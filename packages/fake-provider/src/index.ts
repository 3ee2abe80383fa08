export type {
  FakeBehaviour,
  RecordedRequest,
  StreamBehaviour,
  ToolCallBehaviour,
} from './fake-behaviour'
export type { FakeProvider, FakeProviderOptions } from './start-fake-provider'
export { startFakeProvider } from './start-fake-provider'
