import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  // The widgets run in the host's browser bundle (and in Node for server rendering and tests):
  // no Node built-ins, no shims, syntax every evergreen browser and Node 20 understand.
  platform: 'neutral',
  target: 'es2022',
  // The host brings React (a peer dependency); bundling a second copy would break hooks.
  external: ['react', 'react-dom', 'react/jsx-runtime'],
});
