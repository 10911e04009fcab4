import '../../components/components.css';
import { Link, useParams } from 'react-router';
import { useQuery } from 'urql';
import { useRegistryAccess } from '../../app/viewer';
import { ErrorBanner } from '../../components/ErrorBanner';
import { formatBytes } from '../../components/format';
import { JsonBlock } from '../../components/JsonBlock';
import { lineagePath, modelPath, registryPath } from '../../components/paths';
import { Spinner } from '../../components/Spinner';
import { Time } from '../../components/Time';
import { graphql } from '../../gql';
import { FilesTable } from './FilesTable';

export const VersionQuery = graphql(`
  query ConsoleVersion($registry: String!, $model: String!, $ref: String!) {
    modelVersion(registry: $registry, model: $model, ref: $ref) {
      id
      name
      fullName
      archived
      archivedAt
      description
      tags
      aliases
      createdAt
      createdBy {
        id
      }
      downloadCount
      metrics
      metadata
      run {
        id
        name
        status
        externalId
      }
      artifact {
        uri
        digest
        sizeBytes
      }
      files {
        path
        sizeBytes
        digest
        downloadUrl
      }
    }
  }
`);

/** The registry's own files have `registry://` URIs; anything else lives elsewhere and is shown as such. */
const heldByRegistry = (uri: string) => uri.startsWith('registry://');

/** `/r/:registry/m/:model/v/:version`: one version (`v3`, or an alias), its metrics, metadata and files. */
export default function VersionPage() {
  const { registry = '', model = '', version = '' } = useParams();
  const [{ data, fetching, error }] = useQuery({ query: VersionQuery, variables: { registry, model, ref: version } });
  const access = useRegistryAccess(registry);
  const v = data?.modelVersion;

  return (
    <section className="version">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to={registryPath(registry)}>{registry}</Link> › <Link to={modelPath(registry, model)}>{model}</Link> ›{' '}
        {version}
      </nav>
      {error && <ErrorBanner error={error} />}
      {fetching && !data && <Spinner />}
      {v && (
        <>
          <header className="page-header">
            <h1>
              {model} <span className="version__name">{v.name}</span>
            </h1>
            <span className={`badge ${v.archived ? 'badge--archived' : 'badge--active'}`}>
              {v.archived ? 'Archived' : 'Active'}
            </span>
            {v.aliases.map((a) => (
              <span key={a} className="badge badge--alias">
                {a}
              </span>
            ))}
            <Link className="page-header__action" to={lineagePath(registry, model, v.name)}>
              Lineage
            </Link>
          </header>
          {v.description && <p className="version__description">{v.description}</p>}
          <dl className="facts">
            <div>
              <dt>Full name</dt>
              <dd>
                <code>{v.fullName}</code>
              </dd>
            </div>
            <div>
              <dt>Created</dt>
              <dd>
                <Time iso={v.createdAt} /> by {v.createdBy.id}
              </dd>
            </div>
            {v.archivedAt && (
              <div>
                <dt>Archived</dt>
                <dd>
                  <Time iso={v.archivedAt} />
                </dd>
              </div>
            )}
            <div>
              <dt>Tags</dt>
              <dd>
                {v.tags.length
                  ? v.tags.map((t) => (
                      <span key={t} className="tag">
                        {t}
                      </span>
                    ))
                  : '—'}
              </dd>
            </div>
            <div>
              <dt>Aliases</dt>
              <dd>{v.aliases.length ? v.aliases.join(', ') : '—'}</dd>
            </div>
            <div>
              <dt>Run</dt>
              <dd>
                {v.run ? (
                  <>
                    <Link
                      to={`${lineagePath(registry, model, v.name)}?${new URLSearchParams({ root: v.run.id }).toString()}`}
                    >
                      {v.run.name}
                    </Link>{' '}
                    ({v.run.status.toLowerCase()}
                    {v.run.externalId ? `, ${v.run.externalId}` : ''})
                  </>
                ) : (
                  '—'
                )}
              </dd>
            </div>
            <div>
              <dt>Size</dt>
              <dd>{formatBytes(v.artifact.sizeBytes)}</dd>
            </div>
            <div>
              <dt>Downloads</dt>
              <dd>{v.downloadCount}</dd>
            </div>
          </dl>

          <h2>Metrics</h2>
          <MetricsTable metrics={v.metrics} />

          <h2>Metadata</h2>
          {Object.keys(v.metadata).length ? <JsonBlock value={v.metadata} label="Metadata" /> : <p>None.</p>}

          <h2>Files</h2>
          {heldByRegistry(v.artifact.uri) ? (
            <>
              {access.known && !access.canDownload && (
                <p className="notice">
                  Your role here ({access.role}) reads metadata but not model files: ask a registry admin for VIEWER to
                  download them.
                </p>
              )}
              <FilesTable files={v.files} canDownload={access.known && access.canDownload} />
            </>
          ) : (
            <>
              <p>
                Stored outside the registry at <code className="uri">{v.artifact.uri}</code>
              </p>
              {v.files.length > 0 && <FilesTable files={v.files} canDownload={false} />}
            </>
          )}
          <p className="hint">
            Artifact digest <code className="uri">{v.artifact.digest}</code>
          </p>
        </>
      )}
    </section>
  );
}

function MetricsTable({ metrics }: { metrics: Record<string, unknown> }) {
  const entries = Object.entries(metrics).sort(([a], [b]) => a.localeCompare(b));
  if (!entries.length) return <p>None recorded.</p>;
  return (
    <table className="table table--narrow">
      <caption>
        {entries.length} metric{entries.length === 1 ? '' : 's'}
      </caption>
      <thead>
        <tr>
          <th scope="col">Metric</th>
          <th scope="col">Value</th>
        </tr>
      </thead>
      <tbody>
        {entries.map(([name, value]) => (
          <tr key={name}>
            <th scope="row">{name}</th>
            <td className="numeric">
              {typeof value === 'number'
                ? value.toLocaleString(undefined, { maximumFractionDigits: 6 })
                : JSON.stringify(value)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
