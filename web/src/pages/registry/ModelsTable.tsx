import { Link } from 'react-router';
import type { ConsoleRegistryQuery } from '../../gql/graphql';

type Model = NonNullable<ConsoleRegistryQuery['registry']>['models']['edges'][number]['node'];

const modelPath = (registry: string, model: string) =>
  `/r/${encodeURIComponent(registry)}/m/${encodeURIComponent(model)}`;

/** A registry's models: name, aliases (protected ones marked), latest version, tags. */
export function ModelsTable({
  registry,
  models,
  totalCount,
}: {
  registry: string;
  models: Model[];
  totalCount: number;
}) {
  if (totalCount === 0) return <p>No models match.</p>;
  return (
    <table className="table">
      <caption>
        {totalCount} {totalCount === 1 ? 'model' : 'models'}
      </caption>
      <thead>
        <tr>
          <th scope="col">Model</th>
          <th scope="col">Aliases</th>
          <th scope="col">Latest</th>
          <th scope="col">Tags</th>
        </tr>
      </thead>
      <tbody>
        {models.map((m) => (
          <tr key={m.id}>
            <td>
              <Link to={modelPath(registry, m.name)}>{m.name}</Link>
              {m.archived && <span className="badge badge--muted"> archived</span>}
              {m.description && <div className="hint">{m.description}</div>}
            </td>
            <td>
              <ul className="badges" aria-label={`Aliases of ${m.name}`}>
                {m.aliases
                  .filter((a) => a.name !== 'latest')
                  .map((a) => (
                    <li key={a.name}>
                      <Link
                        className={a.protected ? 'badge badge--protected' : 'badge'}
                        to={`${modelPath(registry, m.name)}/v/${encodeURIComponent(a.version.name)}`}
                        title={a.protected ? 'Protected alias: only admins may move it' : undefined}
                      >
                        {a.name} → {a.version.name}
                        {a.protected && <span className="visually-hidden"> (protected)</span>}
                      </Link>
                    </li>
                  ))}
              </ul>
            </td>
            <td>{m.latestVersion?.name ?? '—'}</td>
            <td>
              <ul className="badges">
                {m.tags.map((t) => (
                  <li key={t}>
                    <Link className="badge badge--tag" to={`?tag=${encodeURIComponent(t)}`}>
                      {t}
                    </Link>
                  </li>
                ))}
              </ul>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
