/** A loading indicator that screen readers announce. */
export function Spinner({ label = 'Loading…' }: { label?: string }) {
  return (
    <p role="status" className="spinner">
      {label}
    </p>
  );
}
