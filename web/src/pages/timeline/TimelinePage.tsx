import '../model/model-pages.css';
import { useState, type FormEvent } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { useQuery } from 'urql';
import { ErrorBanner } from '../../components/ErrorBanner';
import { Spinner } from '../../components/Spinner';
import { AliasesAtQuery, AliasHistoryQuery } from './timeline-queries';
import { fromLocalInput, parseAt, toLocalInput } from './time-input';

const PAGE = 20;

/**
 * `/r/:registry/m/:model/timeline`: the alias history (who moved what, when, from where, why),
 * filterable by alias and paged through the API's cursors; and "what was in production at T"
 * (`?at=<ISO time>`, shareable), answered from the history by aliasesAt.
 */
export default function TimelinePage() {
  const { registry = '', model = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const alias = params.get('alias')?.slice(0, 64) || null;
  const at = parseAt(params.get('at'));
  // Cursors of the pages before this one: "Newer" pops, "Older" pushes.
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const after = cursors[cursors.length - 1];
  const [history] = useQuery({
    query: AliasHistoryQuery,
    variables: { registry, model, alias, first: PAGE, after },
    requestPolicy: 'cache-and-network',
  });
  const base = `/r/${encodeURIComponent(registry)}/m/${encodeURIComponent(model)}`;
  const m = history.data?.model;
  const events = m?.aliasHistory.edges ?? [];

  const setParam = (key: string, value: string | null) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next);
  };

  return (
    <article className="timeline-page">
      <p className="muted">
        <Link to={base}>
          {registry}/{model}
        </Link>{' '}
        /
      </p>
      <h1>Alias timeline</h1>

      <AtTime registry={registry} model={model} at={at} onChange={(iso) => setParam('at', iso)} />

      <section className="panel" aria-labelledby="history-title">
        <h2 id="history-title">History</h2>
        <div className="field field--inline">
          <label htmlFor="timeline-alias">Alias</label>
          <select
            id="timeline-alias"
            value={alias ?? ''}
            onChange={(e) => {
              setCursors([null]);
              setParam('alias', e.target.value || null);
            }}
          >
            <option value="">All aliases</option>
            {(m?.aliases ?? []).map((a) => (
              <option key={a.name} value={a.name}>
                {a.name}
              </option>
            ))}
            {alias && !m?.aliases.some((a) => a.name === alias) && <option value={alias}>{alias}</option>}
          </select>
        </div>
        {history.error && <ErrorBanner error={history.error} />}
        {!history.data && history.fetching && <Spinner />}
        {m && (
          <>
            <p className="muted">
              {m.aliasHistory.totalCount} events{alias && <> of “{alias}”</>}, newest first; page {cursors.length}.
            </p>
            <div className="table-scroll">
              <table className="table timeline-table">
                <thead>
                  <tr>
                    <th scope="col">When</th>
                    <th scope="col">Alias</th>
                    <th scope="col">From</th>
                    <th scope="col">To</th>
                    <th scope="col">Who</th>
                    <th scope="col">Why</th>
                  </tr>
                </thead>
                <tbody>
                  {events.map(({ cursor, node: e }) => (
                    <tr key={cursor}>
                      <td>
                        <time dateTime={e.at}>{new Date(e.at).toLocaleString()}</time>
                      </td>
                      <th scope="row">
                        <code>{e.alias}</code>
                      </th>
                      <td>{e.fromVersionName ?? <span className="muted">new</span>}</td>
                      <td>
                        {e.toVersionName ? (
                          <Link to={`${base}/v/${e.toVersionName}`}>{e.toVersionName}</Link>
                        ) : (
                          <span className="muted">removed</span>
                        )}
                        {e.versionDeleted && <span className="muted"> (deleted since)</span>}
                      </td>
                      <td>{e.actor.id}</td>
                      <td>{e.reason}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <div className="form-actions">
              <button type="button" disabled={cursors.length < 2} onClick={() => setCursors((c) => c.slice(0, -1))}>
                Newer
              </button>
              <button
                type="button"
                disabled={!m.aliasHistory.pageInfo.hasNextPage}
                onClick={() => {
                  const end = m.aliasHistory.pageInfo.endCursor;
                  if (end) setCursors((c) => [...c, end]);
                }}
              >
                Older
              </button>
            </div>
          </>
        )}
      </section>
    </article>
  );
}

function AtTime({
  registry,
  model,
  at,
  onChange,
}: {
  registry: string;
  model: string;
  at: string | null;
  onChange: (iso: string | null) => void;
}) {
  const [input, setInput] = useState(at ? toLocalInput(at) : '');
  const [{ data, error, fetching }] = useQuery({
    query: AliasesAtQuery,
    variables: { registry, model, time: at ?? '' },
    pause: !at,
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onChange(fromLocalInput(input));
  };
  const rows = data?.model?.aliasesAt ?? [];
  const production = rows.find((r) => r.alias === 'production');
  return (
    <section className="panel" aria-labelledby="at-title">
      <h2 id="at-title">What pointed where at a time</h2>
      <form className="field field--inline" onSubmit={submit}>
        <label htmlFor="timeline-at">Time (your time zone)</label>
        <input
          id="timeline-at"
          type="datetime-local"
          step="1"
          value={input}
          onChange={(e) => setInput(e.target.value)}
          required
        />
        <button type="submit">Show</button>
      </form>
      {at && (
        <>
          <p>
            At <time dateTime={at}>{new Date(at).toLocaleString()}</time> ({at}):{' '}
            {production ? (
              <strong>production was {production.toVersionName}</strong>
            ) : (
              <span>production pointed nowhere</span>
            )}
            .
          </p>
          {error && <ErrorBanner error={error} />}
          {fetching && <Spinner />}
          {rows.length > 0 && (
            <table className="table" aria-label="Aliases at that time">
              <thead>
                <tr>
                  <th scope="col">Alias</th>
                  <th scope="col">Version</th>
                  <th scope="col">Since</th>
                  <th scope="col">Set by</th>
                  <th scope="col">Why</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.alias} data-alias={r.alias}>
                    <th scope="row">
                      <code>{r.alias}</code>
                    </th>
                    <td>
                      {r.toVersionName}
                      {r.versionDeleted && <span className="muted"> (deleted since)</span>}
                    </td>
                    <td>
                      <time dateTime={r.at}>{new Date(r.at).toLocaleString()}</time>
                    </td>
                    <td>{r.actor.id}</td>
                    <td>{r.reason}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}
