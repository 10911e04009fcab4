/**
 * Downloads one of a version's files with the caller's token. The blob endpoint needs an
 * `Authorization` header, which a plain link cannot send, so the bytes are fetched and handed to
 * the browser as an object URL (docs/files.md). A server with STORAGE_PRESIGNED_DOWNLOADS answers
 * 307 to a presigned URL: fetch follows it and, the redirect being cross-origin, drops the header,
 * as it should (the URL carries its own signature; the bucket must allow this origin by CORS).
 */
export async function fetchFile(downloadUrl: string, token: string): Promise<Blob> {
  const res = await fetch(downloadUrl, { headers: { authorization: `Bearer ${token}` }, credentials: 'omit' });
  if (!res.ok) throw new DownloadError(res.status, await errorCode(res));
  return res.blob();
}

export class DownloadError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
  ) {
    super(`${code} (HTTP ${status})`);
  }
}

async function errorCode(res: Response): Promise<string> {
  try {
    const body = (await res.json()) as { error?: { code?: unknown } };
    if (typeof body.error?.code === 'string') return body.error.code;
  } catch {
    // not JSON: name the status
  }
  return 'ERROR';
}

/** Hands bytes to the browser as a download named after the file's last path segment. */
export function saveBlob(blob: Blob, path: string, doc: Document = document): void {
  const url = URL.createObjectURL(blob);
  const a = doc.createElement('a');
  a.href = url;
  a.download = path.split('/').pop() || 'download';
  doc.body.append(a);
  a.click();
  a.remove();
  // The click has started the download; the URL is no longer needed once it has read the blob.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
