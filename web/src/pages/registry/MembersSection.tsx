import { useState, type FormEvent } from 'react';
import { useMutation, useQuery } from 'urql';
import { ErrorBanner } from '../../components/ErrorBanner';
import { Spinner } from '../../components/Spinner';
import { graphql } from '../../gql';
import type { Role } from '../../gql/graphql';

export const MembersQuery = graphql(`
  query ConsoleRegistryMembers($name: String!) {
    registry(name: $name) {
      id
      members {
        subject
        role
        grantedAt
        grantedBy {
          id
        }
      }
    }
  }
`);

const GrantRole = graphql(`
  mutation ConsoleGrantRole($input: GrantRoleInput!) {
    grantRole(input: $input) {
      binding {
        subject
        role
      }
    }
  }
`);

const RevokeRole = graphql(`
  mutation ConsoleRevokeRole($input: RevokeRoleInput!) {
    revokeRole(input: $input) {
      binding {
        subject
      }
    }
  }
`);

const ROLES: Role[] = ['ADMIN', 'MEMBER', 'VIEWER', 'RESTRICTED_VIEWER'];

/**
 * Members and roles of a registry, for its admins: change a role, remove a member, add one (a
 * subject or `group:<name>`). The server checks each change; this only offers it.
 */
export function MembersSection({ registry }: { registry: string }) {
  const [{ data, fetching, error }, refetch] = useQuery({ query: MembersQuery, variables: { name: registry } });
  const [granted, grant] = useMutation(GrantRole);
  const [revoked, revoke] = useMutation(RevokeRole);
  const [subject, setSubject] = useState('');
  const [role, setRole] = useState<Role>('VIEWER');

  const after = () => refetch({ requestPolicy: 'network-only' });
  const add = async (event: FormEvent) => {
    event.preventDefault();
    const result = await grant({ input: { registry, subject: subject.trim(), role } });
    if (!result.error) {
      setSubject('');
      after();
    }
  };
  const members = data?.registry?.members ?? [];
  const mutationError = granted.error ?? revoked.error;

  return (
    <section aria-labelledby="members-heading">
      <h2 id="members-heading">Members and roles</h2>
      {error && <ErrorBanner error={error} />}
      {mutationError && <ErrorBanner error={mutationError} />}
      {fetching && !data && <Spinner />}
      {data && (
        <table className="table">
          <caption>{members.length === 1 ? '1 member' : `${members.length} members`}</caption>
          <thead>
            <tr>
              <th scope="col">Subject</th>
              <th scope="col">Role</th>
              <th scope="col">Granted</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {members.map((m) => (
              <tr key={m.subject}>
                <td>{m.subject}</td>
                <td>
                  <label className="visually-hidden" htmlFor={`role-${m.subject}`}>
                    Role of {m.subject}
                  </label>
                  <select
                    id={`role-${m.subject}`}
                    value={m.role}
                    disabled={granted.fetching}
                    onChange={(e) =>
                      void grant({ input: { registry, subject: m.subject, role: e.target.value as Role } }).then(after)
                    }
                  >
                    {ROLES.map((r) => (
                      <option key={r} value={r}>
                        {r}
                      </option>
                    ))}
                  </select>
                </td>
                <td>
                  {new Date(m.grantedAt).toLocaleString()} by {m.grantedBy.id}
                </td>
                <td>
                  <button
                    type="button"
                    disabled={revoked.fetching}
                    onClick={() => void revoke({ input: { registry, subject: m.subject } }).then(after)}
                  >
                    Remove<span className="visually-hidden"> {m.subject}</span>
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form className="inline-form" onSubmit={(e) => void add(e)}>
        <div className="field">
          <label htmlFor="member-subject">Subject or group:&lt;name&gt;</label>
          <input
            id="member-subject"
            required
            maxLength={200}
            value={subject}
            onChange={(e) => setSubject(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="member-role">Role</label>
          <select id="member-role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" disabled={granted.fetching}>
          Add member
        </button>
      </form>
    </section>
  );
}
