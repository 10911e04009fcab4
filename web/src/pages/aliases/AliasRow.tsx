import { Link } from 'react-router';
import type { AliasControl } from './alias-permissions';

export interface AliasView {
  name: string;
  protected: boolean;
  updatedAt: string;
  updatedBy: { id: string };
  version: { name: string };
}

/** One alias in the aliases table: where it points, who moved it last, and its Move button. */
export function AliasRow({
  alias,
  control,
  versionHref,
  onMove,
  onRequest,
}: {
  alias: AliasView;
  control: AliasControl;
  versionHref: string;
  onMove: () => void;
  onRequest: () => void;
}) {
  const noteId = `alias-note-${alias.name}`;
  return (
    <tr data-alias={alias.name}>
      <th scope="row">
        <code>{alias.name}</code>
        {alias.protected && <span className="badge badge--protected">protected</span>}
      </th>
      <td>
        <Link to={versionHref}>{alias.version.name}</Link>
      </td>
      <td>
        {alias.updatedBy.id}, <time dateTime={alias.updatedAt}>{new Date(alias.updatedAt).toLocaleString()}</time>
      </td>
      <td>
        <div className="alias-actions">
          <button
            type="button"
            disabled={!control.canMove}
            aria-describedby={control.note ? noteId : undefined}
            onClick={onMove}
          >
            Move <span className="visually-hidden">{alias.name}</span>
          </button>
          {control.canRequest && (
            <button type="button" className="button--secondary" onClick={onRequest}>
              Request a change <span className="visually-hidden">to {alias.name}</span>
            </button>
          )}
        </div>
        {control.note && (
          <p id={noteId} className="muted alias-note">
            {control.note}
          </p>
        )}
      </td>
    </tr>
  );
}
