// Lint rules carry the house style (../shared/CONVENTIONS.md): size limits, folder boundaries,
// and purity of the planning core, so a reviewer does not have to police them by hand.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const ioModules = ['@kubernetes/client-node', 'kafkajs', 'ioredis', 'pino', 'prom-client'].map(
  (name) => ({ name, message: 'pure code does no I/O: take the result as a parameter' }),
);
const nodeIo = ['fs', 'fs/promises', 'http', 'https', 'net', 'child_process'].flatMap((m) => [
  { name: `node:${m}`, message: 'pure code does no I/O: take the result as a parameter' },
]);
const impureGlobals = [
  { object: 'Date', property: 'now', message: 'pure code takes `now` as a parameter' },
  { object: 'Math', property: 'random', message: 'pure code takes IDs as parameters' },
  { object: 'process', property: 'env', message: 'only main.ts reads the environment' },
];

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'coverage/', 'charts/', 'bench-results/', '.syncflow/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/explicit-module-boundary-types': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'max-lines': ['error', { max: 400, skipBlankLines: true, skipComments: true }],
      'max-lines-per-function': ['error', { max: 60, skipBlankLines: true, skipComments: true }],
      complexity: ['error', 10],
      'max-depth': ['error', 3],
      'max-params': ['error', 4],
      'no-restricted-syntax': [
        'error',
        { selector: 'TSEnumDeclaration', message: 'use an `as const` object and a string union' },
        { selector: 'ExportDefaultDeclaration', message: 'use named exports' },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['*.config.ts', '*.config.js'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    files: ['**/*.test.ts', 'test/**/*.ts'],
    rules: {
      'max-lines-per-function': 'off',
      '@typescript-eslint/explicit-module-boundary-types': 'off',
    },
  },
  {
    files: ['operator/**/*.ts', 'runtime/**/*.ts', 'crds/**/*.ts'],
    ignores: ['**/main.ts', '**/*.test.ts'],
    rules: { 'no-restricted-properties': ['error', impureGlobals[2]] },
  },
  {
    files: ['runtime/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/operator/**'], message: 'runtime and operator share only crds/' },
          ],
        },
      ],
    },
  },
  {
    files: ['operator/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/runtime/**'], message: 'runtime and operator share only crds/' },
          ],
        },
      ],
    },
  },
  {
    files: [
      'operator/plan/**/*.ts',
      'operator/lag/**/*.ts',
      'runtime/flow/**/*.ts',
      'crds/**/*.ts',
    ],
    ignores: ['crds/generate.ts', '**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [...ioModules, ...nodeIo],
          patterns: [{ group: ['**/operator/**', '**/runtime/**'], message: 'crds/ is the floor' }],
        },
      ],
      'no-restricted-properties': ['error', ...impureGlobals],
      'no-restricted-syntax': [
        'error',
        {
          selector: 'NewExpression[callee.name="Date"][arguments.length=0]',
          message: 'pure code takes `now` as a parameter',
        },
        { selector: 'TSEnumDeclaration', message: 'use an `as const` object and a string union' },
      ],
    },
  },
);
