// Lint: typescript-eslint's recommended rules, plus the architecture's two import rules —
// imports flow downward between layers (ARCHITECTURE.md), and no module cycles.
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

/**
 * Layers from the bottom up: a layer may import only from itself and the layers below it.
 * errors/ (shared error types), config/ (Kafka's config definitions and parsing) and security/
 * (the authorizer, over the ACLs kept in metadata) are the layers this project adds to
 * ARCHITECTURE.md's list.
 */
const LAYERS = [
  'errors',
  'protocol',
  'config',
  'storage',
  'metadata',
  'security',
  'cluster',
  'coordinator',
  'server',
  'http',
  'cli',
];

const layerRules = LAYERS.map((layer, i) => ({
  files: [`src/${layer}/**/*.ts`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: LAYERS.slice(i + 1).map((above) => ({
          group: [`**/${above}/**`, `**/${above}`],
          message: `src/${layer} sits below src/${above}: imports flow downward only (ARCHITECTURE.md).`,
        })),
      },
    ],
  },
}));

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'node_modules/',
      'src/**/generated/',
      'test/fixtures/',
      'interop/librdkafka/.build/',
    ],
  },
  ...tseslint.configs.recommended,
  {
    plugins: { 'import-x': importX },
    settings: {
      ...importX.flatConfigs.typescript.settings,
      'import-x/resolver-next': [createTypeScriptImportResolver()],
    },
    rules: {
      'import-x/no-cycle': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // protocol/ is pure: no sockets, no files.
    files: ['src/protocol/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['node:net', 'node:fs', 'node:fs/promises', 'net', 'fs'].map((name) => ({
            name,
            message: 'src/protocol is pure: no I/O.',
          })),
          patterns: LAYERS.slice(2).map((above) => ({
            group: [`**/${above}/**`, `**/${above}`],
            message: `src/protocol sits below src/${above}: imports flow downward only (ARCHITECTURE.md).`,
          })),
        },
      ],
    },
  },
  ...layerRules.filter((r) => !r.files[0].startsWith('src/protocol/')),
);
