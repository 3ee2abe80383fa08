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
export type {
  BudgetPeriod,
  KeyCreated,
  KeyCreateInput,
  KeyList,
  KeyRecord,
  KeyRevoked,
  KeyRevokeInput,
} from './schemas/keys'
export {
  budgetPeriodSchema,
  keyCreatedSchema,
  keyCreateInputSchema,
  keyListSchema,
  keyRecordSchema,
  keyRevokedSchema,
  keyRevokeInputSchema,
} from './schemas/keys'
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
  Endpoint,
  RequestFilter,
  RequestGetInput,
  RequestList,
  RequestListInput,
  RequestRecord,
  RequestStatus,
} from './schemas/requests'
export {
  endpointSchema,
  MAX_PAGE,
  requestFilterSchema,
  requestGetInputSchema,
  requestListInputSchema,
  requestListSchema,
  requestRecordSchema,
  requestStatusSchema,
} from './schemas/requests'
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
  UsagePoint,
  UsageSummary,
  UsageSummaryInput,
  UsageTimeseries,
  UsageTimeseriesInput,
  UsageTotals,
} from './schemas/usage'
export {
  usagePointSchema,
  usageSummaryInputSchema,
  usageSummarySchema,
  usageTimeseriesInputSchema,
  usageTimeseriesSchema,
  usageTotalsSchema,
} from './schemas/usage'
export type {
  Caller,
  CallOptions,
  ClassificationService,
  CompressionService,
  GenerationService,
  HealthService,
  KeyService,
  ModelService,
  RequestLogService,
  RoutingService,
  Services,
  StreamingService,
  StreamOptions,
  UsageService,
} from './services'
export type { InputIssue } from './trpc'
