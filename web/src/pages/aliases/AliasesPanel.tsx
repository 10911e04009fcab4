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
  const [editing, setEditing] = useState<{ alias: string; mode: 'move' | 'request' } | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const base = `/r/${encodeURIComponent(registry)}/m/${encodeURIComponent(model)}`;
  const editingAlias = editing && aliases.find((a) => a.name === editing.alias);

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
                    setEditing({ alias: alias.name, mode: 'move' });
                  }}
                  onRequest={() => {
                    setDone(null);
                    setEditing({ alias: alias.name, mode: 'request' });
                  }}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {editing && editingAlias && (
        <MoveAliasForm
          // A new form (fresh state) when the alias or where it points changes.
          key={`${editing.alias}:${editing.mode}:${editingAlias.version.name}`}
          registry={registry}
          model={model}
          alias={editing.alias}
          current={editingAlias.version.name}
          versions={versions}
          mode={editing.mode}
          onDone={(message) => {
            setEditing(null);
            setDone(message);
            onChanged(message);
          }}
          onRefresh={() => onChanged('Reloaded the aliases.')}
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
