// keys.create, keys.list and keys.revoke: the virtual keys in the database. A revoked key is
// refused at once on this replica, within the store's verify cache on the others.
import type { KeyService } from '@tokenflow/api'
import { databaseUnavailable } from '../requests/database-unavailable'
import type { KeyStore } from '../store/store'

export const createKeyService = (
  keys: Pick<KeyStore, 'create' | 'list' | 'revoke'>,
): KeyService => ({
  create: (input) => keys.create(input).catch(databaseUnavailable),
  list: () => keys.list().catch(databaseUnavailable),
  revoke: async ({ id }) => ({ revoked: await keys.revoke(id).catch(databaseUnavailable) }),
})
