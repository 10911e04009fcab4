import { fireEvent, render, screen } from '@testing-library/react';
import { GraphQLError } from 'graphql';
import { CombinedError } from 'urql';
import { describe, expect, it, vi } from 'vitest';
import { describeMoveFailure } from './alias-errors';
import { MoveFailureMessage } from './MoveFailureMessage';

const errorWith = (message: string, extensions: Record<string, unknown>) =>
  new CombinedError({ graphQLErrors: [new GraphQLError(message, { extensions })] });

describe('a refused alias move', () => {
  it('names where the alias points now when someone moved it first, and refreshes in one click', () => {
    const failure = describeMoveFailure(
      errorWith('Alias "mnist:staging" points at v7, not v5; reload and try again.', {
        code: 'CONFLICT',
        currentVersion: 'v7',
      }),
      'staging',
      'v5',
    );
    expect(failure).toMatchObject({ kind: 'conflict', currentVersion: 'v7' });
    const onRefresh = vi.fn();
    render(<MoveFailureMessage failure={failure} onRefresh={onRefresh} />);
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain('CONFLICT');
    expect(alert.textContent).toContain(
      'Someone moved "staging" first: it now points at v7, not v5 as this page showed',
    );
    expect(alert.textContent).toContain('Nothing was changed.');
    fireEvent.click(screen.getByRole('button', { name: 'Refresh' }));
    expect(onRefresh).toHaveBeenCalledTimes(1);
  });

  it('says so when the alias was removed meanwhile', () => {
    const failure = describeMoveFailure(errorWith('gone', { code: 'CONFLICT', currentVersion: null }), 'staging', 'v5');
    expect(failure.message).toContain('it now points at nothing');
  });

  it('shows FORBIDDEN plainly, without a refresh', () => {
    const failure = describeMoveFailure(errorWith('no', { code: 'FORBIDDEN' }), 'production', 'v2');
    expect(failure).toEqual({
      kind: 'forbidden',
      message: 'FORBIDDEN: the server refused to move "production" for you.',
    });
    render(<MoveFailureMessage failure={failure} onRefresh={vi.fn()} />);
    expect(screen.queryByRole('button', { name: 'Refresh' })).toBeNull();
  });

  it('passes other errors on with their code; a CONFLICT of another kind (archived version) is not a move race', () => {
    expect(describeMoveFailure(errorWith('mnist:v3 is archived', { code: 'CONFLICT' }), 'staging', 'v2')).toEqual({
      kind: 'other',
      code: 'CONFLICT',
      message: 'CONFLICT: mnist:v3 is archived',
    });
    expect(describeMoveFailure(new CombinedError({ networkError: new Error('down') }), 'staging', 'v2')).toMatchObject({
      kind: 'other',
      code: 'NETWORK_ERROR',
    });
  });
});
