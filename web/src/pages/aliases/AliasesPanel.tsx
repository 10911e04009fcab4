import { useState } from 'react';
import type { Role } from '../../gql/graphql';
import { aliasControl, type Caller } from './alias-permissions';
import { AliasRow, type AliasView } from './AliasRow';
import { ChangeRequests } from './ChangeRequests';
import { MoveAliasForm } from './MoveAliasForm';

/**
 * The model's aliases with their Move buttons, the move or request form of the one being changed,
 * and the pending change requests. `onChanged` asks the page to read the model again.
 */
export function AliasesPanel({
  registry,
  model,
  aliases,
  caller,
  members,
  versions,
  refreshKey,
  onChanged,
}: {
  registry: string;
  model: string;
  aliases: AliasView[];
  caller: Caller;
  members: { subject: string; role: Role }[];
  versions: { name: string }[];
  refreshKey: number;
  onChanged: (message: string) => void;
}) {
  // `current` is where the alias pointed when the form opened: the move sends it as expectedVersion,
  // so a move by someone else meanwhile (even one this page already shows live) is a CONFLICT, not
  // a silent overwrite of a choice made against what the user saw.
  const [editing, setEditing] = useState<{ alias: string; mode: 'move' | 'request'; current: string } | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const base = `/r/${encodeURIComponent(registry)}/m/${encodeURIComponent(model)}`;

  return (
    <section aria-labelledby="aliases-title" className="panel">
      <h2 id="aliases-title">Aliases</h2>
      {aliases.length === 0 ? (
        <p className="muted">No aliases yet.</p>
      ) : (
        <div className="table-scroll">
          <table className="table aliases-table">
            <thead>
              <tr>
                <th scope="col">Alias</th>
                <th scope="col">Version</th>
                <th scope="col">Last moved</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {aliases.map((alias) => (
                <AliasRow
                  key={alias.name}
                  alias={alias}
                  control={aliasControl(alias, caller, members)}
                  versionHref={`${base}/v/${alias.version.name}`}
                  onMove={() => {
                    setDone(null);
                    setEditing({ alias: alias.name, mode: 'move', current: alias.version.name });
                  }}
                  onRequest={() => {
                    setDone(null);
                    setEditing({ alias: alias.name, mode: 'request', current: alias.version.name });
                  }}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {editing && (
        <MoveAliasForm
          key={`${editing.alias}:${editing.mode}:${editing.current}`}
          registry={registry}
          model={model}
          alias={editing.alias}
          current={editing.current}
          versions={versions}
          mode={editing.mode}
          onDone={(message) => {
            setEditing(null);
            setDone(message);
            onChanged(message);
          }}
          onRefresh={() => {
            // Start over from where the alias points now.
            setEditing(null);
            onChanged('Reloaded the aliases.');
          }}
          onCancel={() => setEditing(null)}
        />
      )}
      {done && (
        <p role="status" className="notice">
          {done}
        </p>
      )}
      <ChangeRequests
        registry={registry}
        model={model}
        caller={caller}
        refreshKey={refreshKey}
        onDecided={(message) => {
          setDone(message);
          onChanged(message);
        }}
      />
    </section>
  );
}
