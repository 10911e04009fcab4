import { useState } from 'react';
import { useAuth } from '../../app/auth';
import { formatBytes, shortDigest } from '../../components/format';
import { DownloadError, fetchFile, saveBlob } from './download';

export interface VersionFile {
  path: string;
  sizeBytes?: number | null;
  digest?: string | null;
  downloadUrl?: string | null;
}

/** A version's files; download buttons only for callers whose role may read the bytes. */
export function FilesTable({ files, canDownload }: { files: VersionFile[]; canDownload: boolean }) {
  return (
    <table className="table files-table">
      <caption>
        {files.length} file{files.length === 1 ? '' : 's'}
      </caption>
      <thead>
        <tr>
          <th scope="col">Path</th>
          <th scope="col">Size</th>
          <th scope="col">Digest</th>
          {canDownload && (
            <th scope="col">
              <span className="visually-hidden">Download</span>
            </th>
          )}
        </tr>
      </thead>
      <tbody>
        {files.map((f) => (
          <tr key={f.path}>
            <td>
              <code>{f.path}</code>
            </td>
            <td>{formatBytes(f.sizeBytes)}</td>
            <td>
              <code title={f.digest ?? undefined}>{shortDigest(f.digest)}</code>
            </td>
            {canDownload && <td>{f.downloadUrl && <DownloadButton url={f.downloadUrl} path={f.path} />}</td>}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function DownloadButton({ url, path }: { url: string; path: string }) {
  const { token } = useAuth();
  const [state, setState] = useState<{ busy: boolean; error?: string }>({ busy: false });
  const download = async () => {
    if (!token) return;
    setState({ busy: true });
    try {
      saveBlob(await fetchFile(url, token), path);
      setState({ busy: false });
    } catch (err) {
      setState({ busy: false, error: err instanceof DownloadError ? err.message : 'NETWORK_ERROR' });
    }
  };
  return (
    <>
      <button
        type="button"
        className="button--small"
        onClick={() => void download()}
        disabled={state.busy}
        aria-label={`Download ${path}`}
      >
        {state.busy ? 'Downloading…' : 'Download'}
      </button>
      {state.error && (
        <span role="alert" className="inline-error">
          {state.error}
        </span>
      )}
    </>
  );
}
