import '../../components/components.css';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { ErrorBanner } from '../../components/ErrorBanner';
import { webhookPath } from '../../components/paths';
import { Spinner } from '../../components/Spinner';
import { graphql } from '../../gql';
import { SecretOnce } from './SecretOnce';
import { filterInput } from './webhook-input';
import { WEBHOOK_EVENTS } from './webhook-events';
import { NEW_WEBHOOK, WebhookForm, type WebhookFields } from './WebhookForm';

export const WebhooksQuery = graphql(`
  query ConsoleWebhooks($registry: String!) {
    registry(name: $registry) {
      id
      webhooks(first: 100) {
        totalCount
        edges {
          node {
            id
            url
            description
            active
            format
            events
            filter {
              models
              aliases
            }
          }
        }
      }
    }
  }
`);

const CreateWebhook = graphql(`
  mutation ConsoleCreateWebhook($input: CreateWebhookInput!) {
    createWebhook(input: $input) {
      secret
      webhook {
        id
      }
    }
  }
`);

/** `/r/:registry/webhooks`: the registry's webhooks and a form for a new one (admins). */
export default function WebhooksPage() {
  const { registry = '' } = useParams();
  const [{ data, fetching, error }, refetch] = useQuery({ query: WebhooksQuery, variables: { registry } });
  const [created, create] = useMutation(CreateWebhook);
  const [secret, setSecret] = useState<{ value: string; webhookId: string } | null>(null);
  const [formKey, setFormKey] = useState(0);

  const submit = async (fields: WebhookFields) => {
    const result = await create({
      input: {
        registry,
        url: fields.url,
        description: fields.description || undefined,
        events: fields.events,
        format: fields.format,
        active: fields.active,
        filter: filterInput(fields),
      },
    });
    const payload = result.data?.createWebhook;
    if (!payload) return;
    if (payload.secret) setSecret({ value: payload.secret, webhookId: payload.webhook.id });
    setFormKey((k) => k + 1);
    refetch({ requestPolicy: 'network-only' });
  };

  const hooks = data?.registry?.webhooks?.edges.map((e) => e.node) ?? [];
  return (
    <section className="webhooks">
      <h1>Webhooks of {registry}</h1>
      {error && <ErrorBanner error={error} />}
      {fetching && !data && <Spinner />}
      {secret && <SecretOnce secret={secret.value} onDismiss={() => setSecret(null)} key={secret.webhookId} />}
      {data?.registry?.webhooks && (
        <div className="table-scroll">
          <table className="table">
            <caption>
              {hooks.length} webhook{hooks.length === 1 ? '' : 's'}
            </caption>
            <thead>
              <tr>
                <th scope="col">URL</th>
                <th scope="col">State</th>
                <th scope="col">Events</th>
                <th scope="col">Filter</th>
              </tr>
            </thead>
            <tbody>
              {hooks.map((h) => (
                <tr key={h.id}>
                  <td>
                    <Link to={webhookPath(registry, h.id)} className="uri">
                      {h.url}
                    </Link>
                    {h.description && <div className="hint">{h.description}</div>}
                  </td>
                  <td>
                    {h.active ? 'Active' : 'Off'}
                    {h.format === 'SLACK' ? ', Slack' : ''}
                  </td>
                  <td>{h.events.map((t) => WEBHOOK_EVENTS[t]).join(', ')}</td>
                  <td>
                    {h.filter.models ? `models: ${h.filter.models.join(', ')}` : 'every model'}
                    {h.filter.aliases ? `; aliases: ${h.filter.aliases.join(', ')}` : ''}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {data?.registry?.webhooks && (
        <section aria-labelledby="new-webhook-title" className="panel">
          <h2 id="new-webhook-title">New webhook</h2>
          {created.error && <ErrorBanner error={created.error} />}
          <WebhookForm
            key={formKey}
            idPrefix="new-webhook"
            initial={NEW_WEBHOOK}
            submitLabel="Create webhook"
            busy={created.fetching}
            onSubmit={(fields) => void submit(fields)}
          />
        </section>
      )}
    </section>
  );
}
