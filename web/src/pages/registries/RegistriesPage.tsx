import { useMemo, useState } from 'react';
import { Link } from 'react-router';
import { useQuery } from 'urql';
import { ErrorBanner } from '../../components/ErrorBanner';
import { Spinner } from '../../components/Spinner';
import { graphql } from '../../gql';

export const RegistriesQuery = graphql(`
  query ConsoleRegistries($first: Int, $after: String) {
    registries(first: $first, after: $after) {
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
          visibility
        }
      }
    }
  }
`);

/** `/`: the registries the caller can read, with a search over their names and descriptions. */
export function RegistriesPage() {
  const [search, setSearch] = useState('');
  const [{ data, fetching, error }] = useQuery({ query: RegistriesQuery, variables: { first: 100 } });
  const registries = useMemo(() => {
    const term = search.trim().toLowerCase();
    const all = data?.registries.edges.map((edge) => edge.node) ?? [];
    if (!term) return all;
    return all.filter((r) => r.name.toLowerCase().includes(term) || r.description?.toLowerCase().includes(term));
  }, [data, search]);

  return (
    <section>
      <h1>Registries</h1>
      <div className="field">
        <label htmlFor="registry-search">Search registries</label>
        <input id="registry-search" type="search" value={search} onChange={(e) => setSearch(e.target.value)} />
      </div>
      {error && <ErrorBanner error={error} />}
      {fetching && !data && <Spinner />}
      {data && (
        <table className="table">
          <caption>
            {registries.length} of {data.registries.totalCount} registries
          </caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Visibility</th>
              <th scope="col">Description</th>
            </tr>
          </thead>
          <tbody>
            {registries.map((r) => (
              <tr key={r.id}>
                <td>
                  <Link to={`/r/${encodeURIComponent(r.name)}`}>{r.name}</Link>
                </td>
                <td>{r.visibility}</td>
                <td>{r.description}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
