/**
 * Paths a version's files cannot all be written under on every system: the registry refuses them
 * when the version is linked, because a pull onto macOS or Windows would otherwise lose a file
 * or fail half-way.
 *
 * - `Model.bin` and `model.bin`: one file on case-insensitive filesystems (macOS, Windows);
 * - `café` written precomposed (NFC) and decomposed (NFD): one file on macOS;
 * - `a` and `a/b`: `a` cannot be a file and a directory at once.
 */
export function pathClashes(paths: string[]): string[] {
  const clashes: string[] = [];
  // One key per name as those filesystems see it: Unicode NFC, then case folded.
  const key = (p: string) => p.normalize('NFC').toLowerCase();
  const files = new Map<string, string>();
  for (const p of paths) {
    const other = files.get(key(p));
    if (other !== undefined) clashes.push(`"${other}" and "${p}" (the same name to macOS and Windows)`);
    else files.set(key(p), p);
  }
  const directories = new Map<string, string>();
  for (const p of paths) {
    const segments = p.split('/');
    for (let i = 1; i < segments.length; i++) {
      const dir = segments.slice(0, i).join('/');
      if (!directories.has(key(dir))) directories.set(key(dir), p);
    }
  }
  for (const [k, file] of files) {
    const inside = directories.get(k);
    if (inside !== undefined) clashes.push(`"${file}" and "${inside}" ("${file}" cannot be a file and a directory)`);
  }
  return clashes;
}

// Names Windows reserves for devices, with or without an extension (`nul.txt` too).
const RESERVED = /^(con|prn|aux|nul|com[1-9]|lpt[1-9])(\..*)?$/i;
// `C:x` is a path relative to drive C's current directory on Windows, not a file name.
const DRIVE = /^[A-Za-z]:/;

/** Why one path cannot be written on Windows, or null. */
export function windowsProblem(path: string): string | null {
  if (DRIVE.test(path)) return 'it starts with a drive letter';
  const reserved = path.split('/').find((s) => RESERVED.test(s));
  return reserved ? `"${reserved}" is a device name on Windows` : null;
}
