// The admin views (usage, requests, keys) word FORBIDDEN for what it means there: the console
// reaches the server with a virtual key, which may call models but not see or manage the gateway.
import { describeError } from './describe-error'
import type { Problem } from './problem'

export const describeAdminError = (error: unknown): Problem => {
  const problem = describeError(error)
  if (problem.code !== 'FORBIDDEN') return problem
  return {
    code: 'FORBIDDEN',
    title:
      'This view needs an admin API key. The console is using a virtual key, which cannot see usage, requests or keys.',
    detail:
      "Set TOKENFLOW_API_KEY for the console's proxy to one of the server's TOKENFLOW_API_KEYS.",
  }
}
