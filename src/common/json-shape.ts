/**
 * How deep a JSON value's containers nest and how many object members it holds. `{"a": 1}` is one
 * level deep, `{"a": [1]}` two; a Date (in a snapshot about to be stored) counts as a value.
 */
export interface JsonShape {
  depth: number;
  members: number;
}

const isContainer = (v: unknown): v is object => v !== null && typeof v === 'object' && !(v instanceof Date);

/**
 * Measured with a stack of its own, not by recursion: JSON.parse builds a value nested 100 000
 * levels deep from a 600 KB body, and a recursive walk (JSON.stringify's included) overflows the
 * call stack on a few thousand.
 */
export function jsonShape(value: unknown): JsonShape {
  let depth = 0;
  let members = 0;
  const values: unknown[] = [value];
  const levels: number[] = [1];
  while (values.length > 0) {
    const v = values.pop();
    const level = levels.pop()!;
    if (!isContainer(v)) continue;
    if (level > depth) depth = level;
    const children = Array.isArray(v) ? v : Object.values(v);
    if (!Array.isArray(v)) members += children.length;
    for (const child of children) {
      if (!isContainer(child)) continue;
      values.push(child);
      levels.push(level + 1);
    }
  }
  return { depth, members };
}

/**
 * The value with every container below `maxDepth` levels replaced by its JSON text, so that a
 * document nests no deeper than `maxDepth`. Recursion stops at `maxDepth`; the JSON text of what
 * lies below is written by JSON.stringify, and a subtree too deep even for that is named, not kept.
 */
export function capJsonDepth<T>(value: T, maxDepth: number): T {
  if (jsonShape(value).depth <= maxDepth) return value;
  return cap(value, 1, maxDepth) as T;
}

function cap(value: unknown, level: number, maxDepth: number): unknown {
  if (!isContainer(value)) return value;
  if (level > maxDepth) return jsonText(value);
  if (Array.isArray(value)) return value.map((v) => cap(v, level + 1, maxDepth));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, cap(v, level + 1, maxDepth)]));
}

function jsonText(value: object): string {
  try {
    return JSON.stringify(value);
  } catch {
    return '(a JSON value nested too deeply to write out)';
  }
}
