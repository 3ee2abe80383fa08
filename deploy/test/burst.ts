// Fires `count` requests at once and tallies the answers: how many got through, how many the rate
// limit refused, and which replicas answered.
export type BurstResult = { ok: number; limited: number; other: number[]; replicas: Set<string> }

export const burst = async (url: string, apiKey: string, count: number): Promise<BurstResult> => {
  const answers = await Promise.all(
    Array.from({ length: count }, async () => {
      const response = await fetch(url, { headers: { authorization: `Bearer ${apiKey}` } })
      await response.body?.cancel()
      return { status: response.status, replica: response.headers.get('x-tokenflow-replica') }
    }),
  )
  return {
    ok: answers.filter((answer) => answer.status === 200).length,
    limited: answers.filter((answer) => answer.status === 429).length,
    other: answers.map((a) => a.status).filter((status) => status !== 200 && status !== 429),
    replicas: new Set(answers.flatMap((answer) => (answer.replica ? [answer.replica] : []))),
  }
}
