/**
 * Where a value holds a string that is not well-formed Unicode: a UTF-16 surrogate without its
 * pair, which JSON can carry (`"\ud800"`) but no database column can store as sent (MariaDB's
 * utf8mb4 refuses it, SQLite writes U+FFFD). Object keys count as strings.
 */
export interface IllFormedString {
  /** From the root: object keys and array indexes, the offending key last when it is one. */
  path: (string | number)[];
  /** Index of the first lone surrogate in the string and its code unit. */
  index: number;
  codeUnit: number;
}

interface Frame {
  value: unknown;
  key: string | number;
  parent: Frame | null;
}

/**
 * The first ill-formed string under `root`'s members, or null. A stack of its own rather than
 * recursion, so that a value nested 100 000 levels deep is walked, not a stack overflow; frames are
 * made only for containers.
 */
export function findIllFormedString(root: Record<string, unknown>): IllFormedString | null {
  const stack: Frame[] = [];
  const visit = (value: unknown, key: string | number, parent: Frame | null): IllFormedString | null => {
    if (typeof key === 'string' && !key.isWellFormed()) return illFormed(key, pathOf(parent, key));
    if (typeof value === 'string') return value.isWellFormed() ? null : illFormed(value, pathOf(parent, key));
    if (value !== null && typeof value === 'object') stack.push({ value, key, parent });
    return null;
  };
  for (const key of Object.keys(root)) {
    const found = visit(root[key], key, null);
    if (found) return found;
  }
  while (stack.length > 0) {
    const frame = stack.pop()!;
    const container = frame.value as Record<string, unknown> | unknown[];
    if (Array.isArray(container)) {
      for (let i = 0; i < container.length; i++) {
        const found = visit(container[i], i, frame);
        if (found) return found;
      }
    } else {
      for (const key of Object.keys(container)) {
        const found = visit(container[key], key, frame);
        if (found) return found;
      }
    }
  }
  return null;
}

function pathOf(parent: Frame | null, key: string | number): (string | number)[] {
  const path = [key];
  for (let f = parent; f; f = f.parent) path.push(f.key);
  return path.reverse();
}

function illFormed(text: string, path: (string | number)[]): IllFormedString {
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
      else return { path, index: i, codeUnit: unit };
    } else if (unit >= 0xdc00 && unit <= 0xdfff) {
      return { path, index: i, codeUnit: unit };
    }
  }
  throw new Error(`illFormed called on a well-formed string`);
}

/** A path as graphql-js prints one (`input.tags[1]`), keys that are not names in JSON quotes. */
export function printPath(path: (string | number)[]): string {
  return path
    .map((key, i) => {
      if (typeof key === 'number') return `[${key}]`;
      if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) return i === 0 ? key : `.${key}`;
      return `[${JSON.stringify(key)}]`;
    })
    .join('');
}
