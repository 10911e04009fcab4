import fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { RegistryClient } from '../client';
import { Progress } from '../progress';
import { eachLimit, LocalFile } from './local-files';

const PARALLEL_UPLOADS = 4;

const blobUrl = (registry: string, digest: string) => `/v1/registries/${encodeURIComponent(registry)}/blobs/${digest}`;

/**
 * Uploads the files the registry lacks: a HEAD per distinct blob, then a PUT of each missing one,
 * several at once. Answers how many blobs and bytes were sent.
 */
export async function uploadMissing(
  client: RegistryClient,
  registry: string,
  files: LocalFile[],
): Promise<{ uploaded: number; bytes: number }> {
  const distinct = [...new Map(files.map((f) => [f.digest, f])).values()];
  const missing: LocalFile[] = [];
  await eachLimit(distinct, PARALLEL_UPLOADS * 2, async (file) => {
    const { request, response } = client.blobRequest({ method: 'HEAD', url: blobUrl(registry, file.digest) });
    request.end();
    const res = await response;
    res.resume();
    if (res.statusCode === 404) missing.push(file);
    else if (res.statusCode !== 200) throw await client.blobError(res, `HEAD ${file.path}`);
  });
  const total = missing.reduce((n, f) => n + f.sizeBytes, 0);
  const progress = new Progress('uploading', total);
  await eachLimit(missing, PARALLEL_UPLOADS, async (file) => {
    const { request, response } = client.blobRequest({
      method: 'PUT',
      url: blobUrl(registry, file.digest),
      headers: { 'content-type': 'application/octet-stream', 'content-length': file.sizeBytes },
    });
    const counter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        progress.add(chunk.length);
        done(null, chunk);
      },
    });
    // The server may refuse before reading the body (and close): the answer is what matters then.
    const sent = pipeline(fs.createReadStream(file.source), counter, request).catch(() => undefined);
    const res = await response;
    if (res.statusCode !== 200 && res.statusCode !== 201) throw await client.blobError(res, `Upload of ${file.path}`);
    res.resume();
    await sent;
  });
  progress.finish();
  return { uploaded: missing.length, bytes: total };
}
