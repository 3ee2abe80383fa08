// What the request's `model` asks for: a catalog model (direct generation) or routing, `auto`
// with the default strategy or `auto:<strategy>`.
import { type Strategy, strategySchema } from '@tokenflow/api'
import { UnknownModelError } from '../generation/unknown-model-error'

export type ModelChoice = { kind: 'direct'; model: string } | { kind: 'auto'; strategy?: Strategy }

export const AUTO_MODELS = ['auto', ...strategySchema.options.map((s) => `auto:${s}`)] as const

export const resolveModel = (model: string): ModelChoice => {
  if (model === 'auto') return { kind: 'auto' }
  if (model.startsWith('auto:')) {
    const strategy = strategySchema.safeParse(model.slice('auto:'.length))
    if (!strategy.success) throw new UnknownModelError(model)
    return { kind: 'auto', strategy: strategy.data }
  }
  return { kind: 'direct', model }
}
