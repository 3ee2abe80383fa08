// A peer gateway is an extra column, never a reason for the benchmark to fail: one that cannot be
// installed or started is reported and left out.
import type { Proc } from '../../load/processes'

export type Peer = Proc & { name: string; version: string }

export const optionalPeer = async (name: string, start: () => Promise<Peer>) => {
  try {
    return await start()
  } catch (error) {
    console.log(`skipping ${name}: ${error instanceof Error ? error.message : String(error)}`)
    return null
  }
}
