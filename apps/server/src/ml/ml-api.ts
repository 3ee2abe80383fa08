// Wire types of the ML service endpoints the gateway calls, taken from the client generated out of
// services/ml-python/openapi.json (`pnpm gen:ml`), so a contract change breaks the build here.
import type { components } from './ml-api.gen'

type Schemas = components['schemas']

export type CompressRequest = Schemas['CompressRequest']
export type CompressResponse = Schemas['CompressResponse']
export type CompressMessagesRequest = Schemas['CompressMessagesRequest']
export type CompressMessagesResponse = Schemas['CompressMessagesResponse']
export type ClassifyRequest = Schemas['ClassifyRequest']
export type ClassifyResponse = Schemas['ClassifyResponse']
