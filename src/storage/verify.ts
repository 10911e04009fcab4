import { PutOptions } from './blob-store';
import { DigestingStream } from './digesting-stream';
import { BlobLengthError, DigestMismatchError } from './errors';

/** After a body has streamed through `digesting`: its length and sha256 must be what was promised. */
export function checkDigest(hex: string, digesting: DigestingStream, opts: PutOptions): void {
  if (opts.expectedBytes !== undefined && digesting.bytes !== opts.expectedBytes)
    throw new BlobLengthError(opts.expectedBytes, digesting.bytes);
  const actual = digesting.hex();
  if (actual !== hex) throw new DigestMismatchError(`sha256:${hex}`, `sha256:${actual}`);
}
