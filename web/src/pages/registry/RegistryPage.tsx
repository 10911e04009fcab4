import { useEffect, useState } from 'react';
import { useParams, useSearchParams } from 'react-router';
import { useQuery } from 'urql';
import { ErrorBanner } from '../../components/ErrorBanner';
import { Spinner } from '../../components/Spinner';
import { graphql } from '../../gql';
import { MembersSection } from './MembersSection';
import { ModelsTable } from './ModelsTable';

export const RegistryQuery = graphql(`
  query ConsoleRegistry($name: String!, $first: Int, $after: String, $filter: ModelFilter) {
    registry(name: $name) {
      id
      name
      description
      visibility
      protectedAliases
      models(first: $first, after: $after, filter: $filter) {
        totalCount
        pageInfo {
          hasNextPage
          endCursor
        }
        edges {
          node {
            id
            name
            description
            tags
            archived
            updatedAt
            latestVersion {
              name
            }
            aliases {
              name
              protected
              version {
                name
              }
            }
          }
        }
      }
    }
    viewer {
      subject
      globalAdmin
      roles {
        role
        registry {
          name
        }
      }
    }
  }
`);

const PAGE = 50;

/** The filter as typed, sent to the server a moment after typing stops. */
function useDebounced(value: string, ms: number): string {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

/**
 * `/r/:registry`: its models with their aliases, filtered by name (`?q=`) and tag (`?tag=`), both in
 * the URL so a filtered list can be shared; members and roles for the registry's admins.
 */
export default function RegistryPage() {
  const { registry = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const [typed, setTyped] = useState(params.get('q') ?? '');
  const q = useDebounced(typed.trim(), 250);
  const tag = params.get('tag') ?? '';
  const [after, setAfter] = useState<string | null>(null);

  useEffect(() => {
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        if (q) next.set('q', q);
        else next.delete('q');
        return next;
      },
      { replace: true },
    );
    setAfter(null);
  }, [q, setParams]);

  const [{ data, fetching, error }] = useQuery({
    query: RegistryQuery,
    variables: {
      name: registry,
      first: PAGE,
      after,
      filter: { nameContains: q || undefined, tag: tag || undefined },
    },
  });
  const reg = data?.registry;
  const viewer = data?.viewer;
  const isAdmin =
    !!viewer && (viewer.globalAdmin || viewer.roles.some((r) => r.role === 'ADMIN' && r.registry.name === registry));

  return (
    <section>
      <h1>{registry}</h1>
      {reg?.description && <p>{reg.description}</p>}
      {error && <ErrorBanner error={error} />}
      {fetching && !data && <Spinner />}
      {reg && (
        <>
          <h2>Models</h2>
          <div className="filters">
            <div className="field">
              <label htmlFor="model-filter">Filter models by name</label>
              <input id="model-filter" type="search" value={typed} onChange={(e) => setTyped(e.target.value)} />
            </div>
            {tag && (
              <p>
                Tag <code>{tag}</code>{' '}
                <button
                  type="button"
                  className="button--link"
                  onClick={() =>
                    setParams(
                      (current) => {
                        const next = new URLSearchParams(current);
                        next.delete('tag');
                        return next;
                      },
                      { replace: true },
                    )
                  }
                >
                  Clear tag
                </button>
              </p>
            )}
          </div>
          <ModelsTable
            registry={registry}
            models={reg.models.edges.map((e) => e.node)}
            totalCount={reg.models.totalCount}
          />
          {(after || reg.models.pageInfo.hasNextPage) && (
            <nav aria-label="Model pages" className="pager">
              {after && (
                <button type="button" onClick={() => setAfter(null)}>
                  First page
                </button>
              )}
              {reg.models.pageInfo.hasNextPage && (
                <button type="button" onClick={() => setAfter(reg.models.pageInfo.endCursor ?? null)}>
                  Next page
                </button>
              )}
            </nav>
          )}
          {isAdmin && <MembersSection registry={registry} />}
        </>
      )}
    </section>
  );
}
