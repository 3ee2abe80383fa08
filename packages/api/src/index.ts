export type { Context } from './context'
export { createContext } from './context'
export type { AppRouter, RouterInputs, RouterOutputs } from './root'
export { appRouter, createCaller } from './root'
export type { CancelInput, CancelOutput } from './schemas/cancel'
export { cancelInputSchema, cancelOutputSchema } from './schemas/cancel'
export type { CategoryScore, ClassifyInput, ClassifyOutput } from './schemas/classification'
export {
  categoriesSchema,
  classifyInputSchema,
  classifyOutputSchema,
} from './schemas/classification'
export type {
  CompressInput,
  CompressionMethod,
  CompressMessageRole,
  CompressMessagesInput,
  CompressMessagesOutput,
  CompressOutput,
} from './schemas/compression'
export {
  compressInputSchema,
  compressionMethodSchema,
  compressMessageRoleSchema,
  compressMessagesInputSchema,
  compressMessagesOutputSchema,
  compressOutputSchema,
  preserveKindSchema,
} from './schemas/compression'
export type {
  ChatMessage,
  CompressOption,
  GenerateInput,
  RouteInput,
} from './schemas/generation'
export {
  chatMessageSchema,
  compressOptionSchema,
  generateInputSchema,
  possibleCategoriesSchema,
  routeInputSchema,
} from './schemas/generation'
export type { DependencyHealth, Health } from './schemas/health'
export { healthSchema } from './schemas/health'
export {
  MAX_CATEGORIES,
  MAX_COMPRESS_MESSAGES,
  MAX_MESSAGES,
  MAX_QUESTION_CHARS,
  MAX_TEXT_CHARS,
} from './schemas/limits'
export type {
  ModelInfo,
  ModelList,
  ModelRef,
  ProviderId,
  Rankings,
  Strategy,
} from './schemas/models'
export {
  modelInfoSchema,
  modelListSchema,
  modelRefSchema,
  providerIdSchema,
  rankingsSchema,
  strategySchema,
} from './schemas/models'
export type {
  CompressionDecision,
  EndEvent,
  ErrorEvent,
  Fallback,
  MetadataEvent,
  StreamEvent,
  ToolCallEvent,
  TrackedEvent,
  Usage,
} from './schemas/stream-event'
export { streamEventSchema } from './schemas/stream-event'
export type {
  CallOptions,
  ClassificationService,
  CompressionService,
  GenerationService,
  HealthService,
  ModelService,
  RoutingService,
  Services,
  StreamingService,
  StreamOptions,
} from './services'
export type { InputIssue } from './trpc'
