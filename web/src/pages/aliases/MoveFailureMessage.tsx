import type { MoveFailure } from './alias-errors';

/** A refused move, said plainly; a conflict offers a one-click refresh to see where the alias is now. */
export function MoveFailureMessage({ failure, onRefresh }: { failure: MoveFailure; onRefresh: () => void }) {
  return (
    <div role="alert" className="error-banner">
      <p>
        {failure.kind === 'conflict' && <strong className="error-banner__code">CONFLICT</strong>} {failure.message}
      </p>
      {failure.kind === 'conflict' && (
        <button type="button" onClick={onRefresh}>
          Refresh
        </button>
      )}
    </div>
  );
}
