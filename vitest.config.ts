import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Workspace packages resolve to their sources, so tests never need a build first.
const src = (pkg: string) => fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url));
export const alias = {
  '@switchboard/core/testing': fileURLToPath(new URL('./packages/core/src/testing/index.ts', import.meta.url)),
  '@switchboard/core': src('core'),
  '@switchboard/adapters-freeswitch': src('adapters-freeswitch'),
  '@switchboard/adapters-asterisk': src('adapters-asterisk'),
  '@switchboard/server': src('server'),
  '@switchboard/react-widgets': src('react-widgets'),
};

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      { extends: true, test: { name: 'core', root: 'packages/core', environment: 'node' } },
      { extends: true, test: { name: 'adapters-freeswitch', root: 'packages/adapters-freeswitch', environment: 'node' } },
      { extends: true, test: { name: 'adapters-asterisk', root: 'packages/adapters-asterisk', environment: 'node' } },
      { extends: true, test: { name: 'server', root: 'packages/server', environment: 'node' } },
      { extends: true, test: { name: 'react-widgets', root: 'packages/react-widgets', environment: 'jsdom' } },
      { extends: true, test: { name: 'examples', root: 'examples', environment: 'node' } },
    ],
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
