// Health of the gateway and each dependency, as /readyz and system.health report it.
import { z } from 'zod'

export const dependencyStatusSchema = z.enum(['up', 'down', 'unconfigured'])

export const dependencyHealthSchema = z.object({
  name: z.string(),
  kind: z.enum(['ml', 'provider', 'state']),
  status: dependencyStatusSchema,
  detail: z.string(),
  latencyMs: z.number().nonnegative().nullable(),
})
export type DependencyHealth = z.infer<typeof dependencyHealthSchema>

export const healthSchema = z.object({
  status: z.enum(['ok', 'degraded', 'down']),
  version: z.string(),
  uptimeS: z.number().nonnegative(),
  dependencies: z.array(dependencyHealthSchema),
})
export type Health = z.infer<typeof healthSchema>
