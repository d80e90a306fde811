import { createRequire } from 'node:module';

/** The server package's version, read from its package.json (next to src/ and dist/ alike). */
export const VERSION: string = (createRequire(import.meta.url)('../package.json') as { version: string }).version;
