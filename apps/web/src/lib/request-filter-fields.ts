// The Requests view's filter form as strings ('' = any), and the `requests.list` filter it means.
import type { Endpoint, RequestFilter, RequestStatus } from '@tokenflow/api'

export type RequestFilterFields = {
  model: string
  category: string
  status: RequestStatus | ''
  endpoint: Endpoint | ''
}

export const EMPTY_FILTERS: RequestFilterFields = {
  model: '',
  category: '',
  status: '',
  endpoint: '',
}

/** Only the fields that narrow the list: the API reads an absent field as "any". */
export const toRequestFilter = (fields: RequestFilterFields): RequestFilter => ({
  ...(fields.model && { model: fields.model }),
  ...(fields.category && { category: fields.category }),
  ...(fields.status && { status: fields.status }),
  ...(fields.endpoint && { endpoint: fields.endpoint }),
})
