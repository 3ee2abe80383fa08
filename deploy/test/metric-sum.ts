// One replica's /metrics, read directly (not through the balancer): the sum of a metric's samples
// whose labels include all of `labels`.
export const metricSum = async (
  replicaUrl: string,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> => {
  const text = await (await fetch(`${replicaUrl}/metrics`)).text()
  const wanted = Object.entries(labels).map(([label, value]) => `${label}="${value}"`)
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
    .filter((line) => wanted.every((pair) => line.includes(pair)))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0)
}
