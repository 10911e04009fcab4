/** Longer than this, JSON starts collapsed: a page shows its summary first. */
const COLLAPSE_LINES = 16;

/** A JSON value pretty-printed; collapsed behind a <details> when long. */
export function JsonBlock({ value, label }: { value: unknown; label: string }) {
  const text = JSON.stringify(value, null, 2) ?? 'null';
  const lines = text.split('\n').length;
  const pre = (
    <pre className="json-block" tabIndex={0} aria-label={label}>
      {text}
    </pre>
  );
  if (lines <= COLLAPSE_LINES) return pre;
  return (
    <details className="json-details">
      <summary>
        {label}: {lines} lines
      </summary>
      {pre}
    </details>
  );
}
