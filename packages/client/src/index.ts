export type { RouterInputs, RouterOutputs, StreamEvent } from '@tokenflow/api'
export { cancelOnUnsubscribeLink } from './cancel-on-unsubscribe-link'
export type { TokenFlowClient, TokenFlowClientOptions } from './create-token-flow-client'
export { createTokenFlowClient } from './create-token-flow-client'
