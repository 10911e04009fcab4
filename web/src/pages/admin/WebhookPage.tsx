import '../../components/components.css';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { ErrorBanner } from '../../components/ErrorBanner';
import { webhooksPath } from '../../components/paths';
import { Spinner } from '../../components/Spinner';
import { Time } from '../../components/Time';
import { graphql } from '../../gql';
import { Deliveries } from './Deliveries';
import { SecretOnce } from './SecretOnce';
import { filterInput } from './webhook-input';
import { WebhookForm, type WebhookFields } from './WebhookForm';

export const WebhookQuery = graphql(`
  query ConsoleWebhook($id: ID!) {
    node(id: $id) {
      ... on Webhook {
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
        createdAt
        createdBy {
          id
        }
        updatedAt
        registry {
          name
        }
      }
    }
  }
`);

const UpdateWebhook = graphql(`
  mutation ConsoleUpdateWebhook($input: UpdateWebhookInput!) {
    updateWebhook(input: $input) {
      secret
      webhook {
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
        updatedAt
      }
    }
  }
`);

const DeleteWebhook = graphql(`
  mutation ConsoleDeleteWebhook($input: WebhookRefInput!) {
    deleteWebhook(input: $input) {
      deletedWebhookId
    }
  }
`);

const TestWebhook = graphql(`
  mutation ConsoleTestWebhook($input: WebhookRefInput!) {
    testWebhook(input: $input) {
      delivery {
        id
        status
        lastResponseCode
        lastError
      }
    }
  }
`);

/** `/r/:registry/webhooks/:id`: one webhook: edit, test, rotate its secret, delete; its deliveries. */
export default function WebhookPage() {
  const { registry = '', id = '' } = useParams();
  const navigate = useNavigate();
  const [{ data, fetching, error }] = useQuery({ query: WebhookQuery, variables: { id } });
  const [updated, update] = useMutation(UpdateWebhook);
  const [deleted, remove] = useMutation(DeleteWebhook);
  const [tested, test] = useMutation(TestWebhook);
  const [secret, setSecret] = useState<string | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [deliveriesVersion, setDeliveriesVersion] = useState(0);

  const node = data?.node;
  // A webhook id of another registry, in this registry's URL, is not this registry's webhook.
  const hook = node && 'url' in node && node.registry.name === registry ? node : null;

  const save = async (fields: WebhookFields) => {
    await update({
      input: {
        webhook: id,
        url: fields.url,
        description: fields.description,
        events: fields.events,
        format: fields.format,
        active: fields.active,
        filter: filterInput(fields),
      },
    });
  };
  const rotate = async () => {
    const result = await update({ input: { webhook: id, rotateSecret: true } });
    if (result.data?.updateWebhook.secret) setSecret(result.data.updateWebhook.secret);
  };
  const ping = async () => {
    await test({ input: { webhook: id } });
    setDeliveriesVersion((n) => n + 1);
  };
  const destroy = async () => {
    const result = await remove({ input: { webhook: id } });
    if (result.data) void navigate(webhooksPath(registry));
  };

  const testResult = tested.data?.testWebhook.delivery;
  return (
    <section className="webhook">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to={webhooksPath(registry)}>Webhooks of {registry}</Link> › Webhook
      </nav>
      {error && <ErrorBanner error={error} />}
      {fetching && !data && <Spinner />}
      {data && !hook && !error && (
        <div role="alert" className="error-banner">
          <p>
            <strong className="error-banner__code">NOT_FOUND</strong> No such webhook in {registry}.
          </p>
        </div>
      )}
      {hook && (
        <>
          <h1 className="uri">{hook.url}</h1>
          <p className="hint">
            Created <Time iso={hook.createdAt} /> by {hook.createdBy.id}; changed <Time iso={hook.updatedAt} />.
          </p>
          {secret && <SecretOnce secret={secret} onDismiss={() => setSecret(null)} />}
          <div className="actions">
            <button type="button" onClick={() => void ping()} disabled={tested.fetching}>
              {tested.fetching ? 'Sending ping…' : 'Send test ping'}
            </button>
            <button
              type="button"
              className="button--secondary"
              onClick={() => void rotate()}
              disabled={updated.fetching}
            >
              Rotate secret
            </button>
            {confirmDelete ? (
              <>
                <button
                  type="button"
                  className="button--danger"
                  onClick={() => void destroy()}
                  disabled={deleted.fetching}
                >
                  Delete it and its deliveries
                </button>
                <button type="button" className="button--secondary" onClick={() => setConfirmDelete(false)}>
                  Keep it
                </button>
              </>
            ) : (
              <button type="button" className="button--danger" onClick={() => setConfirmDelete(true)}>
                Delete…
              </button>
            )}
          </div>
          {testResult && (
            <p role="status" className={testResult.status === 'SUCCEEDED' ? 'notice notice--ok' : 'notice'}>
              Test ping {testResult.status.toLowerCase()}
              {testResult.lastResponseCode !== null && testResult.lastResponseCode !== undefined
                ? ` (HTTP ${testResult.lastResponseCode})`
                : ''}
              {testResult.lastError ? `: ${testResult.lastError}` : '.'}
            </p>
          )}
          {tested.error && <ErrorBanner error={tested.error} />}
          {deleted.error && <ErrorBanner error={deleted.error} />}

          <Deliveries webhookId={hook.id} refreshKey={deliveriesVersion} />

          <section aria-labelledby="edit-webhook-title" className="panel">
            <h2 id="edit-webhook-title">Settings</h2>
            {updated.error && <ErrorBanner error={updated.error} />}
            {updated.data && !updated.fetching && !updated.error && (
              <p role="status" className="notice notice--ok">
                Saved.
              </p>
            )}
            <WebhookForm
              idPrefix="edit-webhook"
              initial={{
                url: hook.url,
                description: hook.description ?? '',
                events: hook.events,
                format: hook.format,
                active: hook.active,
                models: hook.filter.models ?? [],
                aliases: hook.filter.aliases ?? [],
              }}
              submitLabel="Save"
              busy={updated.fetching}
              onSubmit={(fields) => void save(fields)}
            />
          </section>
        </>
      )}
    </section>
  );
}
