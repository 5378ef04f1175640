import js from '@eslint/js'
import globals from 'globals'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  {ignores: ['dist/**', 'dist.next/**', 'node_modules/**', 'oclif.manifest.json', 'bench/fixtures/**/node_modules/**']},
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {globals: {...globals.node}},
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', {argsIgnorePattern: '^_', varsIgnorePattern: '^_'}],
      'no-console': 'off',
      eqeqeq: ['error', 'always'],
      'prefer-const': 'error',
      // Prettier wraps code at 120; this catches what it cannot wrap: strings and comments.
      'max-len': ['error', {code: 120, tabWidth: 2}],
    },
  },
  {
    files: ['src/**/*.ts'],
    rules: {'max-lines-per-function': ['error', {max: 60, skipBlankLines: true, skipComments: true}]},
  },
  {
    // Commands are flags → one call → render (README "Architecture").
    files: ['src/commands/**/*.ts'],
    rules: {'max-lines': ['error', {max: 50}]},
  },
  {
    // Dependencies point one way: lib/docker serves lib/image, lib/sandbox and the cores, never the reverse.
    files: ['src/lib/docker/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {group: ['@oclif/*'], message: 'src/lib and the public API never import the CLI framework (DESIGN §3).'},
            {
              group: ['**/image/*', '**/sandbox/*', '**/core/*'],
              message: 'lib/docker never imports from lib/image, lib/sandbox or lib/core (README "Architecture").',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/lib/**/*.ts', 'src/index.ts'],
    ignores: ['src/lib/docker/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {group: ['@oclif/*'], message: 'src/lib and the public API never import the CLI framework (DESIGN §3).'},
          ],
        },
      ],
    },
  },
)
