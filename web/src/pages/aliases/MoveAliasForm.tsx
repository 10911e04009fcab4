import { useId, useState, type FormEvent } from 'react';
import { useMutation } from 'urql';
import { ErrorBanner } from '../../components/ErrorBanner';
import { RequestAliasChangeMutation, SetAliasMutation } from './alias-queries';
import { describeMoveFailure, type MoveFailure } from './alias-errors';
import { MoveFailureMessage } from './MoveFailureMessage';

/** Bounded as the server bounds reasons; a longer one would only be refused. */
const MAX_REASON = 1000;

/**
 * Moves an alias (setAlias with `expectedVersion` = what the page showed, so a move made by someone
 * else in between is refused with CONFLICT), or, with `mode="request"`, asks for a protected alias
 * to move (requestAliasChange).
 */
export function MoveAliasForm({
  registry,
  model,
  alias,
  current,
  versions,
  mode,
  onDone,
  onRefresh,
  onCancel,
}: {
  registry: string;
  model: string;
  alias: string;
  /** Where the alias points on this page (v<n>). */
  current: string;
  versions: { name: string }[];
  mode: 'move' | 'request';
  onDone: (message: string) => void;
  onRefresh: () => void;
  onCancel: () => void;
}) {
  const id = useId();
  const [picked, setTarget] = useState<string | null>(null);
  // Until the user picks, the newest version other than the current one (the list may arrive late).
  const target = picked ?? versions.find((v) => v.name !== current)?.name ?? '';
  const [reason, setReason] = useState('');
  const [failure, setFailure] = useState<MoveFailure | null>(null);
  const [requestError, setRequestError] = useState<Error | null>(null);
  const [setState, setAlias] = useMutation(SetAliasMutation);
  const [requestState, requestChange] = useMutation(RequestAliasChangeMutation);
  const busy = setState.fetching || requestState.fetching;

  async function submit(event: FormEvent) {
    event.preventDefault();
    setFailure(null);
    setRequestError(null);
    const why = reason.trim() || undefined;
    if (mode === 'move') {
      const result = await setAlias({
        input: { registry, model, alias, version: target, expectedVersion: current, reason: why },
      });
      if (result.error) setFailure(describeMoveFailure(result.error, alias, current));
      else onDone(`Moved "${alias}" from ${current} to ${result.data?.setAlias.alias.version.name ?? target}.`);
    } else {
      const result = await requestChange({ input: { registry, model, alias, version: target, reason: why } });
      if (result.error) setRequestError(result.error);
      else onDone(`Requested "${alias}" → ${target}; an admin other than you approves it.`);
    }
  }

  return (
    <form
      className="move-alias"
      onSubmit={(e) => void submit(e)}
      aria-label={`${mode === 'move' ? 'Move' : 'Request a change to'} ${alias}`}
    >
      <p>
        <code>{alias}</code> points at <strong>{current}</strong>.
      </p>
      <div className="field">
        <label htmlFor={`${id}-version`}>New version</label>
        <select id={`${id}-version`} value={target} onChange={(e) => setTarget(e.target.value)} required>
          {versions.map((v) => (
            <option key={v.name} value={v.name}>
              {v.name}
              {v.name === current ? ' (current)' : ''}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-reason`}>Reason</label>
        <textarea
          id={`${id}-reason`}
          value={reason}
          maxLength={MAX_REASON}
          rows={2}
          onChange={(e) => setReason(e.target.value)}
        />
      </div>
      {failure && <MoveFailureMessage failure={failure} onRefresh={onRefresh} />}
      {requestError && <ErrorBanner error={requestError} />}
      <div className="form-actions">
        <button type="submit" disabled={busy || !target || target === current}>
          {mode === 'move' ? `Move ${alias}` : 'Send request'}
        </button>
        <button type="button" className="button--secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
