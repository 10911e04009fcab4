/**
 * One line about what an audit event changed: the scalar fields of `after` (or of `before`, for a
 * removal), e.g. `alias=production, version=v6`. The full objects stay one click away.
 */
export function auditSummary(
  before: Record<string, unknown> | null | undefined,
  after: Record<string, unknown> | null | undefined,
  max = 4,
): string {
  const source = after ?? before;
  if (!source) return '';
  const parts: string[] = [];
  for (const [key, value] of Object.entries(source)) {
    if (parts.length >= max) break;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
      parts.push(`${key}=${typeof value === 'string' && value.length > 40 ? `${value.slice(0, 39)}…` : String(value)}`);
  }
  return parts.join(', ');
}
