import { useMemo } from 'react';
import { createBrowserRouter, RouterProvider } from 'react-router';
import { Provider as GraphQLProvider } from 'urql';
import { AuthProvider, useAuth } from './auth';
import { createGraphQLClient } from './client';
import { routes } from './routes';

const router = createBrowserRouter(routes);

/** A new client per token: nothing one session read stays cached for the next. */
function GraphQL({ children }: { children: React.ReactNode }) {
  const { token, signOut } = useAuth();
  const client = useMemo(() => (token ? createGraphQLClient(token, signOut) : null), [token, signOut]);
  if (!client) return <>{children}</>;
  return <GraphQLProvider value={client}>{children}</GraphQLProvider>;
}

export function App() {
  return (
    <AuthProvider>
      <GraphQL>
        <RouterProvider router={router} />
      </GraphQL>
    </AuthProvider>
  );
}
