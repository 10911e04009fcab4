import type { ComponentType } from 'react';
import type { RouteObject } from 'react-router';
import { Layout } from './Layout';
import { RequireAuth } from './RequireAuth';
import { LoginPage } from '../pages/login/LoginPage';
import { RegistriesPage } from '../pages/registries/RegistriesPage';
import ModelPage from '../pages/model/ModelPage';
import { NotFoundPage } from '../pages/NotFoundPage';

/** A page loaded on first visit, in its own chunk: only the first page's code is in the entry bundle. */
const page = (load: () => Promise<{ default: ComponentType }>) => async () => ({ Component: (await load()).default });

/**
 * The console's one route table: every URL is shareable (docs/console.md lists them). Pages live in
 * web/src/pages/<area>/; a page is a default-exported component reading its params with useParams.
 */
export const routes: RouteObject[] = [
  { path: '/login', Component: LoginPage },
  { path: '/auth/callback', lazy: page(() => import('../pages/login/AuthCallbackPage')) },
  {
    element: (
      <RequireAuth>
        <Layout />
      </RequireAuth>
    ),
    children: [
      { index: true, Component: RegistriesPage },
      { path: 'r/:registry', lazy: page(() => import('../pages/registry/RegistryPage')) },
      { path: 'r/:registry/audit', lazy: page(() => import('../pages/admin/AuditPage')) },
      { path: 'r/:registry/webhooks', lazy: page(() => import('../pages/admin/WebhooksPage')) },
      { path: 'r/:registry/webhooks/:id', lazy: page(() => import('../pages/admin/WebhookPage')) },
      // The model page is where deployments and reviews land: in the entry bundle, so its query
      // starts without waiting for a chunk (its chart stays lazy).
      { path: 'r/:registry/m/:model', Component: ModelPage },
      { path: 'r/:registry/m/:model/compare', lazy: page(() => import('../pages/model/ComparePage')) },
      { path: 'r/:registry/m/:model/timeline', lazy: page(() => import('../pages/timeline/TimelinePage')) },
      { path: 'r/:registry/m/:model/v/:version', lazy: page(() => import('../pages/version/VersionPage')) },
      { path: 'r/:registry/m/:model/v/:version/lineage', lazy: page(() => import('../pages/lineage/LineagePage')) },
      { path: '*', Component: NotFoundPage },
    ],
  },
];
