// Models: the catalog's ranking per category with each model's provider, context, price and
// whether it can serve requests now.
import type { Rankings } from '@tokenflow/api'
import { describeError } from '../lib/describe-error'
import { formatTokens } from '../lib/format'
import { trpc } from '../trpc'
import { ErrorNotice } from './error-notice'

type Category = Rankings['categories'][number]

const price = (perMillion: number) => (perMillion === 0 ? 'free' : `$${perMillion.toFixed(3)}`)

function CategoryRanking({ category }: { category: Category }) {
  const titleId = `ranking-${category.id}`
  return (
    <section className="panel ranking" aria-labelledby={titleId}>
      <h2 id={titleId}>{category.title}</h2>
      <p className="muted small">{category.description}</p>
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">Model</th>
              <th scope="col">Provider</th>
              <th scope="col">Context</th>
              <th scope="col">
                Price <span className="muted">in / out per 1M</span>
              </th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {category.models.map((model) => (
              <tr key={model.id} className={model.available ? undefined : 'row-unavailable'}>
                <td>{model.rank}</td>
                <th scope="row">{model.displayName}</th>
                <td>{model.provider}</td>
                <td>{formatTokens(model.contextWindow)}</td>
                <td>
                  {price(model.pricing.inputPerMillion)} / {price(model.pricing.outputPerMillion)}
                </td>
                <td>
                  {model.available ? (
                    <span className="pill pill-ok">available</span>
                  ) : (
                    <span className="pill pill-off" title={model.unavailableReason ?? undefined}>
                      {model.unavailableReason ?? 'unavailable'}
                    </span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  )
}

export function ModelsView() {
  const rankings = trpc.models.rankings.useQuery(undefined, { staleTime: 30_000 })
  return (
    <section className="view" aria-labelledby="models-title">
      <header className="view-header">
        <h1 id="models-title">Models</h1>
        <p className="muted">How routing ranks the models for each category, best first.</p>
      </header>
      {rankings.isPending && <p className="muted">Loading rankings…</p>}
      {rankings.isError && <ErrorNotice problem={describeError(rankings.error)} />}
      {rankings.data?.categories.map((category) => (
        <CategoryRanking key={category.id} category={category} />
      ))}
    </section>
  )
}
