import { render, screen } from '@testing-library/react';
import { GraphQLError } from 'graphql';
import { CombinedError } from 'urql';
import { describe, expect, it } from 'vitest';
import { ErrorBanner } from './ErrorBanner';

describe('ErrorBanner', () => {
  it('shows each error code plainly, with what it means and the server message', () => {
    const error = new CombinedError({
      graphQLErrors: [new GraphQLError('registry "vision" not found', { extensions: { code: 'NOT_FOUND' } })],
    });
    render(<ErrorBanner error={error} />);
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain('NOT_FOUND');
    expect(alert.textContent).toContain('Not found, or not visible to you.');
    expect(alert.textContent).toContain('registry "vision" not found');
  });

  it('names a network failure as such', () => {
    render(<ErrorBanner error={new CombinedError({ networkError: new Error('Failed to fetch') })} />);
    expect(screen.getByRole('alert').textContent).toContain('NETWORK_ERROR');
  });
});
