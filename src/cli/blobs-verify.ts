import { loadConfig } from '../config';
import { verifyBlobs } from '../files/verify-blobs';
import { openBlobStore } from '../storage';

/**
 * `npm run blobs:verify`: re-hashes every blob in the configured store (STORAGE_URL, or
 * DATA_DIR/blobs) and lists those whose bytes do not match their digest. Progress goes to stderr,
 * the report to stdout; exit code 1 when anything is wrong.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const store = await openBlobStore(config.storage.location);
  let last = 0;
  const { checked, mismatches } = await verifyBlobs(store, (p) => {
    if (Date.now() - last < 1000 && p.checked < p.total) return;
    last = Date.now();
    const pct = p.totalBytes ? ((100 * p.bytes) / p.totalBytes).toFixed(1) : '100.0';
    process.stderr.write(
      `verified ${p.checked}/${p.total} blobs, ` +
        `${(p.bytes / 1e6).toFixed(1)}/${(p.totalBytes / 1e6).toFixed(1)} MB (${pct}%)\n`,
    );
  });
  for (const m of mismatches) {
    process.stdout.write(
      m.actual
        ? `MISMATCH ${m.digest}: the stored bytes hash to ${m.actual}\n`
        : `UNREADABLE ${m.digest}: ${m.error}\n`,
    );
  }
  process.stdout.write(`${checked} blobs checked in ${store.location}, ${mismatches.length} bad\n`);
  process.exitCode = mismatches.length ? 1 : 0;
}

main().catch((err) => {
  process.stderr.write(`blobs:verify failed: ${(err as Error).message}\n`);
  process.exitCode = 2;
});
