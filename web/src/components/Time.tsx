import { formatTime } from './format';

/** A timestamp: readable text, machine-readable dateTime. */
export function Time({ iso }: { iso: string | null | undefined }) {
  if (!iso) return <>—</>;
  return <time dateTime={iso}>{formatTime(iso)}</time>;
}
