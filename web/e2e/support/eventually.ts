/**
 * Retries `check` until it stops throwing (a jest `expect` inside it), for up to `timeoutMs`: for
 * what the browser changes on the server, which a test can only see by asking again.
 */
export async function eventually<T>(check: () => Promise<T>, timeoutMs = 5000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, everyMs));
    }
  }
}
