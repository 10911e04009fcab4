import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

/** Component tests (`npm run test:web`): web/src/**\/*.test.tsx in jsdom. End-to-end tests are web/e2e (jest). */
export default defineConfig({
  plugins: [react()],
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.{ts,tsx}'],
    setupFiles: ['src/test-setup.ts'],
  },
});
