// Derives the snake_case wire form of a camelCase contract schema for the OpenAPI document, so
// the REST API's documented bodies follow the contract instead of being written twice.
import { z } from '@hono/zod-openapi'
import { camelToSnake } from './case'

type Renames = Record<string, string>

const renamed = (shape: Record<string, z.ZodType>, deep: boolean, renames: Renames) =>
  Object.fromEntries(
    Object.entries(shape).map(([key, value]) => [
      renames[key] ?? camelToSnake(key),
      deep ? snakeSchema(value) : value,
    ]),
  )

/** Deeply renames object keys to snake_case, as `snakeize` does to response bodies. */
export const snakeSchema = (schema: z.ZodType): z.ZodType => {
  if (schema instanceof z.ZodObject) return z.object(renamed(schema.shape, true, {}))
  if (schema instanceof z.ZodArray) return z.array(snakeSchema(schema.element as z.ZodType))
  if (schema instanceof z.ZodOptional) return snakeSchema(schema.unwrap() as z.ZodType).optional()
  if (schema instanceof z.ZodNullable) return snakeSchema(schema.unwrap() as z.ZodType).nullable()
  if (schema instanceof z.ZodUnion) {
    return z.union((schema.options as z.ZodType[]).map(snakeSchema) as [z.ZodType, z.ZodType])
  }
  return schema
}

/**
 * The request form of a contract input: top-level keys renamed as `camelizeBody` reads them back
 * (`renames` maps camelCase to the snake_case name the caller sends). Object-level refinements
 * (one of prompt or messages) are not expressible in the schema and stay in the description.
 */
export const snakeRequestSchema = (schema: z.ZodObject, renames: Renames = {}) =>
  z.object(renamed(schema.shape as Record<string, z.ZodType>, false, renames))
