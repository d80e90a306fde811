import { defineConfig } from 'tsup';

export default defineConfig({
  // One build for both entries: the ESM output shares a chunk, so the conformance suite and
  // the SDK use the same classes (instanceof MediaError holds across them).
  entry: { index: 'src/index.ts', testing: 'src/testing/index.ts' },
  external: ['vitest'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  shims: true,
  target: 'node20',
});
