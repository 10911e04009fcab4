import { useEffect, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { ErrorBanner } from '../../components/ErrorBanner';
import { Pager } from '../../components/Pager';
import { Spinner } from '../../components/Spinner';
import { Time } from '../../components/Time';
import { usePages } from '../../components/usePages';
import { graphql } from '../../gql';
import type { WebhookDeliveryStatus } from '../../gql/graphql';

export const DeliveriesQuery = graphql(`
  query ConsoleWebhookDeliveries($id: ID!, $first: Int!, $after: String, $status: WebhookDeliveryStatus) {
    node(id: $id) {
      ... on Webhook {
        id
        deliveries(first: $first, after: $after, status: $status) {
          totalCount
          pageInfo {
            hasNextPage
            endCursor
          }
          edges {
            node {
              id
              event
              eventId
              status
              attempts
              lastResponseCode
              lastError
              createdAt
              lastAttemptAt
              completedAt
              nextAttemptAt
            }
          }
        }
      }
    }
  }
`);

const Redeliver = graphql(`
  mutation ConsoleRedeliver($input: RedeliverWebhookDeliveryInput!) {
    redeliverWebhookDelivery(input: $input) {
      delivery {
        id
        status
      }
    }
  }
`);

const PAGE_SIZE = 20;
const STATUSES: WebhookDeliveryStatus[] = ['PENDING', 'SUCCEEDED', 'FAILED'];

/** A webhook's delivery log, newest first, with redelivery of finished ones. */
export function Deliveries({ webhookId, refreshKey }: { webhookId: string; refreshKey: number }) {
  const [status, setStatus] = useState<WebhookDeliveryStatus | ''>('');
  const pages = usePages(status);
  const [{ data, fetching, error }, refetch] = useQuery({
    query: DeliveriesQuery,
    variables: { id: webhookId, first: PAGE_SIZE, after: pages.after, status: status || undefined },
    requestPolicy: 'cache-and-network',
  });
  const [redelivered, redeliver] = useMutation(Redeliver);

  useEffect(() => {
    if (refreshKey > 0) refetch({ requestPolicy: 'network-only' });
  }, [refreshKey, refetch]);

  const send = async (delivery: string) => {
    const result = await redeliver({ input: { delivery } });
    if (result.data) refetch({ requestPolicy: 'network-only' });
  };

  const node = data?.node;
  const connection = node && 'deliveries' in node ? node.deliveries : null;
  const rows = connection?.edges.map((e) => e.node) ?? [];
  return (
    <section aria-labelledby="deliveries-title" className="deliveries">
      <h2 id="deliveries-title">Deliveries</h2>
      <div className="actions">
        <div className="field field--inline">
          <label htmlFor="delivery-status">Status</label>
          <select
            id="delivery-status"
            value={status}
            onChange={(e) => setStatus(e.target.value as WebhookDeliveryStatus | '')}
          >
            <option value="">Any</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s.toLowerCase()}
              </option>
            ))}
          </select>
        </div>
        <button type="button" className="button--secondary" onClick={() => refetch({ requestPolicy: 'network-only' })}>
          Refresh
        </button>
      </div>
      {error && <ErrorBanner error={error} />}
      {redelivered.error && <ErrorBanner error={redelivered.error} />}
      {redelivered.data && !redelivered.error && (
        <p role="status" className="notice notice--ok">
          Queued again as a new delivery ({redelivered.data.redeliverWebhookDelivery.delivery.status.toLowerCase()}).
        </p>
      )}
      {fetching && !data && <Spinner />}
      {connection && (
        <>
          <div className="table-scroll">
            <table className="table deliveries__table">
              <caption>
                {connection.totalCount} deliver{connection.totalCount === 1 ? 'y' : 'ies'}, newest first
              </caption>
              <thead>
                <tr>
                  <th scope="col">Event</th>
                  <th scope="col">Status</th>
                  <th scope="col">Attempts</th>
                  <th scope="col">Response</th>
                  <th scope="col">Created</th>
                  <th scope="col">Last attempt</th>
                  <th scope="col">Finished / next</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map((d) => (
                  <tr key={d.id} data-delivery-id={d.id}>
                    <td>
                      <code>{d.event}</code>
                      <div className="hint uri">{d.eventId}</div>
                    </td>
                    <td>
                      <span className={`badge badge--${d.status.toLowerCase()}`}>{d.status.toLowerCase()}</span>
                    </td>
                    <td className="numeric">{d.attempts}</td>
                    <td>
                      {d.lastResponseCode ?? '—'}
                      {d.lastError && <div className="hint">{d.lastError}</div>}
                    </td>
                    <td>
                      <Time iso={d.createdAt} />
                    </td>
                    <td>
                      <Time iso={d.lastAttemptAt} />
                    </td>
                    <td>
                      {d.completedAt ? (
                        <Time iso={d.completedAt} />
                      ) : d.nextAttemptAt ? (
                        <>
                          next <Time iso={d.nextAttemptAt} />
                        </>
                      ) : (
                        '—'
                      )}
                    </td>
                    <td>
                      {d.status !== 'PENDING' && (
                        <button
                          type="button"
                          className="button--small"
                          onClick={() => void send(d.id)}
                          disabled={redelivered.fetching}
                          aria-label={`Redeliver ${d.event} ${d.eventId}`}
                        >
                          Redeliver
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager
            label="Delivery pages"
            page={pages.page}
            hasPrevious={pages.hasPrevious}
            hasNext={connection.pageInfo.hasNextPage}
            onPrevious={pages.previous}
            onNext={() => connection.pageInfo.endCursor && pages.next(connection.pageInfo.endCursor)}
          />
        </>
      )}
    </section>
  );
}
