export type { RouterInputs, RouterOutputs, StreamEvent } from '@tokenflow/api'
export type { TokenFlowClient, TokenFlowClientOptions } from './create-token-flow-client'
export { createTokenFlowClient } from './create-token-flow-client'
