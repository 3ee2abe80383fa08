// The error answers every REST route can give ({error: {code, message, issues?}}), for the
// OpenAPI document: validation, the auth/body-limit/rate-limit middleware, and mapped TRPCErrors.
import { restErrorSchema } from './rest-schemas'

const described = (description: string) => ({
  description,
  content: { 'application/json': { schema: restErrorSchema } },
})

export const restErrorResponses = {
  400: described('The body is not valid JSON or a field is invalid; `issues` names each field.'),
  401: described('Missing or invalid API key.'),
  403: described('The API key may not use this model.'),
  404: described('No running stream with that id.'),
  413: described('Request body too large.'),
  429: described(
    "Rate limited (the gateway, the API key or every upstream; see Retry-After), or the key's budget is exhausted.",
  ),
  500: described('Internal error.'),
  502: described('The ML service or a provider failed.'),
  503: described(
    'The ML service, every model or (for a virtual key) the database is unavailable; see Retry-After.',
  ),
  504: described('The ML service or a provider took too long.'),
} as const
