import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { firstPageBudget } from './first-page-budget.mjs';

/**
 * Builds the console into web/dist, which the registry server serves at `/` (src/console). Run from
 * the repository root with `vite build web` (root = this folder). `npm run dev:web` serves it with
 * hot reload and passes the API paths on to a registry server at :4000 (`npm run dev`), so the
 * browser sees one origin, as in production.
 */
const api = process.env.REGISTRY_URL ?? 'http://127.0.0.1:4000';

export default defineConfig({
  plugins: [react(), firstPageBudget()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Hashed files under /assets are served as immutable (src/console); index.html never is.
    assetsDir: 'assets',
    // No source maps in the served build: they would publish the sources and double the package.
    sourcemap: false,
  },
  server: {
    port: 5173,
    strictPort: false,
    proxy: {
      '/graphql': { target: api, ws: true },
      '/v1': api,
      '/console/config.json': api,
    },
  },
});
