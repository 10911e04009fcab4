import { useEffect, useRef } from 'react';

/**
 * A webhook secret the server returns once (createWebhook, or a rotation): shown here until
 * dismissed, kept only in this component's state, never in a URL or storage.
 */
export function SecretOnce({ secret, onDismiss }: { secret: string; onDismiss: () => void }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <section className="secret-once" aria-labelledby="secret-once-title">
      <h2 id="secret-once-title" ref={heading} tabIndex={-1}>
        Signing secret — shown only now
      </h2>
      <p>Store it where your receiver verifies deliveries (Standard Webhooks). The registry will not show it again.</p>
      <p>
        <code className="secret-once__value" data-testid="webhook-secret">
          {secret}
        </code>
      </p>
      <button type="button" onClick={onDismiss}>
        I have stored it
      </button>
    </section>
  );
}
