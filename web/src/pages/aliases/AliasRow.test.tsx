import { render, screen } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { describe, expect, it, vi } from 'vitest';
import type { Role } from '../../gql/graphql';
import { aliasControl, callerIn, type Caller } from './alias-permissions';
import { AliasRow } from './AliasRow';

const members: { subject: string; role: Role }[] = [
  { subject: 'ada', role: 'ADMIN' },
  { subject: 'mona', role: 'MEMBER' },
  { subject: 'abe', role: 'ADMIN' },
];
const caller = (role: Role | null, globalAdmin = false): Caller => ({ subject: 'me', role, globalAdmin });
const alias = (name: string, isProtected: boolean) => ({
  name,
  protected: isProtected,
  updatedAt: '2026-05-01T09:30:00.000Z',
  updatedBy: { id: 'ada' },
  version: { name: 'v3' },
});

function renderRow(name: string, isProtected: boolean, who: Caller) {
  const a = alias(name, isProtected);
  render(
    <MemoryRouter>
      <table>
        <tbody>
          <AliasRow
            alias={a}
            control={aliasControl(a, who, members)}
            versionHref="/r/x/m/y/v/v3"
            onMove={vi.fn()}
            onRequest={vi.fn()}
          />
        </tbody>
      </table>
    </MemoryRouter>,
  );
  return screen.getByRole<HTMLButtonElement>('button', { name: `Move ${name}` });
}

describe('the Move button of an alias', () => {
  it('is disabled on a protected alias for a member, who may request a change, and names who may move it', () => {
    const button = renderRow('production', true, caller('MEMBER'));
    expect(button.disabled).toBe(true);
    expect(button.getAttribute('aria-describedby')).toBeTruthy();
    expect(screen.getByText('Protected: only registry admins may move it (ada, abe).')).toBeTruthy();
    expect(screen.getByRole('button', { name: /Request a change/ })).toBeTruthy();
  });

  it('is enabled on a protected alias for a registry admin and a global admin, with no request button', () => {
    expect(renderRow('production', true, caller('ADMIN')).disabled).toBe(false);
    expect(screen.queryByRole('button', { name: /Request a change/ })).toBeNull();
  });

  it('is enabled for a global admin without a role in the registry', () => {
    expect(renderRow('production', true, caller(null, true)).disabled).toBe(false);
  });

  it('is enabled on an unprotected alias for a member, disabled for a viewer', () => {
    expect(renderRow('staging', false, caller('MEMBER')).disabled).toBe(false);
  });

  it('is disabled for a viewer, who cannot request either', () => {
    expect(renderRow('staging', false, caller('VIEWER')).disabled).toBe(true);
    expect(screen.getByText('Only members and admins may move it.')).toBeTruthy();
    expect(screen.queryByRole('button', { name: /Request a change/ })).toBeNull();
  });

  it('is disabled on latest for everyone: the server keeps it on the newest version', () => {
    expect(renderRow('latest', false, caller('ADMIN', true)).disabled).toBe(true);
    expect(screen.getByText('Follows the newest version that is not archived.')).toBeTruthy();
  });

  it("takes the caller's role in this registry from viewer.roles", () => {
    const viewer = {
      subject: 'me',
      globalAdmin: false,
      roles: [
        { role: 'ADMIN' as Role, registry: { name: 'speech' } },
        { role: 'MEMBER' as Role, registry: { name: 'vision' } },
      ],
    };
    expect(callerIn(viewer, 'vision')).toEqual({ subject: 'me', globalAdmin: false, role: 'MEMBER' });
    expect(callerIn(viewer, 'audio').role).toBeNull();
  });
});
