import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/coverage/**', 'data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { console: 'readonly', process: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setImmediate: 'readonly', URL: 'readonly', fetch: 'readonly', Buffer: 'readonly' },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-throw-literal': 'error',
      'prefer-const': 'error',
      eqeqeq: ['error', 'always', { null: 'ignore' }],
    },
  },
  {
    // Core stays free of the server and the UI (DESIGN.md §1).
    files: ['packages/core/src/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['express', 'react', 'react-dom', '@switchboard/*'] }],
    },
  },
  {
    // Widgets talk to the server over HTTP only; never import core at run time.
    files: ['packages/react-widgets/src/**/*.{ts,tsx}'],
    // Tests start a real server; only shipped code is held to the rule.
    ignores: ['packages/react-widgets/src/**/*.test.{ts,tsx}', 'packages/react-widgets/src/test-support/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['@switchboard/core', '@switchboard/server'], allowTypeImports: true }] }],
    },
  },
);
