import '../../components/components.css';
import { useState, type FormEvent } from 'react';
import { useParams, useSearchParams } from 'react-router';
import { useQuery } from 'urql';
import { ErrorBanner } from '../../components/ErrorBanner';
import { JsonBlock } from '../../components/JsonBlock';
import { Pager } from '../../components/Pager';
import { Spinner } from '../../components/Spinner';
import { Time } from '../../components/Time';
import { usePages } from '../../components/usePages';
import { formText } from '../../components/form-data';
import { graphql } from '../../gql';
import { auditSummary } from './audit-summary';
import { AUDIT_ACTIONS } from './webhook-events';

export const AuditQuery = graphql(`
  query ConsoleAudit($filter: AuditEventFilter!, $first: Int!, $after: String) {
    auditEvents(filter: $filter, first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          id
          action
          at
          actor {
            id
          }
          targetType
          targetId
          requestId
          before
          after
        }
      }
    }
  }
`);

const PAGE_SIZE = 25;

/** `<input type="datetime-local">` gives local time without a zone; the API wants an instant. */
const toIso = (local: string) => (local ? new Date(local).toISOString() : undefined);
const toLocalInput = (iso: string | null) => {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
};

/** `/r/:registry/audit`: the registry's audit log, newest first, filtered by `?action=&actor=&since=&until=`. */
export default function AuditPage() {
  const { registry = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const filter = {
    registry,
    action: params.get('action') || undefined,
    actor: params.get('actor') || undefined,
    since: params.get('since') || undefined,
    until: params.get('until') || undefined,
  };
  const pages = usePages(JSON.stringify(filter));
  const [{ data, fetching, error }] = useQuery({
    query: AuditQuery,
    variables: { filter, first: PAGE_SIZE, after: pages.after },
  });

  const apply = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const next = new URLSearchParams();
    for (const key of ['action', 'actor'] as const) {
      const value = formText(form, key).trim();
      if (value) next.set(key, value);
    }
    for (const key of ['since', 'until'] as const) {
      const iso = toIso(formText(form, key));
      if (iso) next.set(key, iso);
    }
    setParams(next);
  };

  const events = data?.auditEvents.edges.map((edge) => edge.node) ?? [];
  return (
    <section className="audit">
      <h1>Audit log of {registry}</h1>
      <AuditFilters key={params.toString()} params={params} onSubmit={apply} onClear={() => setParams({})} />
      {error && <ErrorBanner error={error} />}
      {fetching && !data && <Spinner />}
      {data && (
        <>
          <div className="table-scroll">
            <table className="table audit__table">
              <caption>
                {data.auditEvents.totalCount} event{data.auditEvents.totalCount === 1 ? '' : 's'}, newest first
              </caption>
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Action</th>
                  <th scope="col">Actor</th>
                  <th scope="col">Target</th>
                  <th scope="col">Change</th>
                </tr>
              </thead>
              <tbody>
                {events.map((ev) => (
                  <tr key={ev.id}>
                    <td>
                      <Time iso={ev.at} />
                    </td>
                    <td>
                      <code>{ev.action}</code>
                    </td>
                    <td>{ev.actor.id}</td>
                    <td>
                      {ev.targetType}
                      <div className="hint">
                        <code title={ev.targetId}>{ev.targetId.slice(0, 12)}…</code>
                      </div>
                    </td>
                    <td className="audit__change">
                      {auditSummary(ev.before, ev.after)}
                      <ChangeDetails before={ev.before} after={ev.after} requestId={ev.requestId} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager
            label="Audit log pages"
            page={pages.page}
            hasPrevious={pages.hasPrevious}
            hasNext={data.auditEvents.pageInfo.hasNextPage}
            onPrevious={pages.previous}
            onNext={() => data.auditEvents.pageInfo.endCursor && pages.next(data.auditEvents.pageInfo.endCursor)}
          />
        </>
      )}
    </section>
  );
}

function AuditFilters({
  params,
  onSubmit,
  onClear,
}: {
  params: URLSearchParams;
  onSubmit: (e: FormEvent<HTMLFormElement>) => void;
  onClear: () => void;
}) {
  const [action] = useState(params.get('action') ?? '');
  return (
    <form className="filters" onSubmit={onSubmit} aria-label="Filter the audit log">
      <div className="field">
        <label htmlFor="audit-action">Action</label>
        <select id="audit-action" name="action" defaultValue={action}>
          <option value="">Any</option>
          {AUDIT_ACTIONS.map((a) => (
            <option key={a} value={a}>
              {a}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="audit-actor">Actor (subject)</label>
        <input id="audit-actor" name="actor" defaultValue={params.get('actor') ?? ''} maxLength={256} />
      </div>
      <div className="field">
        <label htmlFor="audit-since">From</label>
        <input id="audit-since" name="since" type="datetime-local" defaultValue={toLocalInput(params.get('since'))} />
      </div>
      <div className="field">
        <label htmlFor="audit-until">Until</label>
        <input id="audit-until" name="until" type="datetime-local" defaultValue={toLocalInput(params.get('until'))} />
      </div>
      <div className="filters__buttons">
        <button type="submit">Apply</button>
        <button type="button" className="button--secondary" onClick={onClear}>
          Clear
        </button>
      </div>
    </form>
  );
}

function ChangeDetails({
  before,
  after,
  requestId,
}: {
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
  requestId?: string | null;
}) {
  if (!before && !after && !requestId) return <>—</>;
  return (
    <details>
      <summary>Details</summary>
      {requestId && (
        <p className="hint">
          Request <code>{requestId}</code>
        </p>
      )}
      {before && <JsonBlock value={before} label="Before" />}
      {after && <JsonBlock value={after} label="After" />}
    </details>
  );
}
