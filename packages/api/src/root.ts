// The whole API: one router per domain.
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server'
import { classificationRouter } from './router/classification'
import { compressionRouter } from './router/compression'
import { generationRouter } from './router/generation'
import { keysRouter } from './router/keys'
import { modelsRouter } from './router/models'
import { requestsRouter } from './router/requests'
import { routingRouter } from './router/routing'
import { systemRouter } from './router/system'
import { usageRouter } from './router/usage'
import { createCallerFactory, createTRPCRouter } from './trpc'

export const appRouter = createTRPCRouter({
  compression: compressionRouter,
  classification: classificationRouter,
  generation: generationRouter,
  routing: routingRouter,
  models: modelsRouter,
  system: systemRouter,
  usage: usageRouter,
  requests: requestsRouter,
  keys: keysRouter,
})

export type AppRouter = typeof appRouter
export type RouterInputs = inferRouterInputs<AppRouter>
export type RouterOutputs = inferRouterOutputs<AppRouter>

export const createCaller = createCallerFactory(appRouter)
