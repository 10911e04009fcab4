import type { CombinedError } from 'urql';

/** The `extensions.code` of each GraphQL error, or NETWORK_ERROR; shown plainly so users can report it. */
export function errorCodes(error: CombinedError): string[] {
  if (error.networkError) return ['NETWORK_ERROR'];
  return error.graphQLErrors.map((e) => {
    const code = e.extensions?.code;
    return typeof code === 'string' ? code : 'ERROR';
  });
}

const EXPLAINED: Record<string, string> = {
  FORBIDDEN: 'You do not have permission for this.',
  NOT_FOUND: 'Not found, or not visible to you.',
  UNAUTHENTICATED: 'Your session has ended. Sign in again.',
  NETWORK_ERROR: 'The registry server could not be reached.',
};

/** An error as the user should see it: its code, and the server's message. */
export function ErrorBanner({ error }: { error: CombinedError | Error }) {
  let entries: { code: string; message: string }[];
  if (!('graphQLErrors' in error)) entries = [{ code: 'ERROR', message: error.message }];
  else if (error.networkError) entries = [{ code: 'NETWORK_ERROR', message: error.networkError.message }];
  else {
    const codes = errorCodes(error);
    entries = error.graphQLErrors.map((e, i) => ({ code: codes[i], message: e.message }));
  }
  return (
    <div role="alert" className="error-banner">
      {entries.map(({ code, message }, i) => (
        <p key={i}>
          <strong className="error-banner__code">{code}</strong> {EXPLAINED[code] ?? ''} <span>{message}</span>
        </p>
      ))}
    </div>
  );
}
