import { useEffect, useId, useState } from 'react';
import { useMutation, useQuery, type CombinedError } from 'urql';
import { ErrorBanner } from '../../components/ErrorBanner';
import {
  ApproveAliasChangeMutation,
  CancelAliasChangeMutation,
  PendingAliasChangesQuery,
  RejectAliasChangeMutation,
} from './alias-queries';
import { isAdmin, type Caller } from './alias-permissions';

/**
 * The model's pending change requests for protected aliases (docs/governance.md): admins approve
 * or reject them with a comment (not their own: four eyes), requesters cancel theirs.
 */
export function ChangeRequests({
  registry,
  model,
  caller,
  refreshKey,
  onDecided,
}: {
  registry: string;
  model: string;
  caller: Caller;
  refreshKey: number;
  onDecided: (message: string) => void;
}) {
  const [{ data, error }, refetch] = useQuery({ query: PendingAliasChangesQuery, variables: { registry, model } });
  useEffect(() => {
    if (refreshKey > 0) refetch({ requestPolicy: 'network-only' });
  }, [refreshKey, refetch]);
  const requests = data?.model?.aliasChangeRequests.edges.map((e) => e.node) ?? [];
  if (error) return <ErrorBanner error={error} />;
  if (!requests.length) return null;
  return (
    <section aria-labelledby="change-requests-title" className="panel">
      <h3 id="change-requests-title">Pending change requests</h3>
      <ul className="change-requests">
        {requests.map((request) => (
          <ChangeRequestItem
            key={request.id}
            request={request}
            caller={caller}
            onDecided={(message) => {
              onDecided(message);
              refetch({ requestPolicy: 'network-only' });
            }}
          />
        ))}
      </ul>
    </section>
  );
}

function ChangeRequestItem({
  request,
  caller,
  onDecided,
}: {
  request: {
    id: string;
    alias: string;
    versionName: string;
    expectedVersionName?: string | null;
    reason?: string | null;
    requestedAt: string;
    expiresAt: string;
    requiredApprovals: number;
    requestedBy: { id: string };
    approvals: { approver: { id: string } }[];
  };
  caller: Caller;
  onDecided: (message: string) => void;
}) {
  const id = useId();
  const [comment, setComment] = useState('');
  const [failure, setFailure] = useState<CombinedError | null>(null);
  const [approveState, approve] = useMutation(ApproveAliasChangeMutation);
  const [rejectState, reject] = useMutation(RejectAliasChangeMutation);
  const [cancelState, cancel] = useMutation(CancelAliasChangeMutation);
  const busy = approveState.fetching || rejectState.fetching || cancelState.fetching;
  const mine = request.requestedBy.id === caller.subject;
  const admin = isAdmin(caller);
  const input = { request: request.id, comment: comment.trim() || undefined };
  const label = `"${request.alias}" → ${request.versionName}`;

  async function decide(action: 'approve' | 'reject' | 'cancel') {
    setFailure(null);
    if (action === 'approve') {
      const result = await approve({ input });
      if (result.error) return setFailure(result.error);
      const applied = result.data?.approveAliasChange.applied;
      return onDecided(applied ? `Approved and applied ${label}.` : `Approved ${label}; more approvals are needed.`);
    }
    const result = action === 'reject' ? await reject({ input }) : await cancel({ input });
    if (result.error) return setFailure(result.error);
    onDecided(`${action === 'reject' ? 'Rejected' : 'Cancelled'} ${label}.`);
  }

  return (
    <li className="change-request" data-request={request.id}>
      <p>
        <strong>{label}</strong> (from {request.expectedVersionName ?? 'nothing'}), asked by {request.requestedBy.id}{' '}
        <time dateTime={request.requestedAt}>{new Date(request.requestedAt).toLocaleString()}</time>
        {request.reason && <>: “{request.reason}”</>}. Approvals {request.approvals.length}/{request.requiredApprovals}
        {request.approvals.length > 0 && <> ({request.approvals.map((a) => a.approver.id).join(', ')})</>}.
      </p>
      {(admin || mine) && (
        <div className="change-request__decide">
          {admin && (
            <div className="field">
              <label htmlFor={`${id}-comment`}>Comment on {label}</label>
              <input
                id={`${id}-comment`}
                value={comment}
                maxLength={1000}
                onChange={(e) => setComment(e.target.value)}
              />
            </div>
          )}
          <div className="form-actions">
            {admin && !mine && (
              <button type="button" disabled={busy} onClick={() => void decide('approve')}>
                Approve
              </button>
            )}
            {admin && (
              <button type="button" className="button--danger" disabled={busy} onClick={() => void decide('reject')}>
                Reject
              </button>
            )}
            {mine && (
              <button type="button" className="button--secondary" disabled={busy} onClick={() => void decide('cancel')}>
                Cancel request
              </button>
            )}
          </div>
        </div>
      )}
      {failure && <ErrorBanner error={failure} />}
    </li>
  );
}
