// ESLint (flat config): typescript-eslint for TypeScript, eslint-plugin-svelte for components; formatting is
// Prettier's (eslint-config-prettier turns the overlapping rules off). `npm run lint` runs both.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';

export default ts.config(
  {
    ignores: [
      'node_modules/',
      'out/',
      'dist/',
      'test-results/',
      'src-main/engine/wasm/kernels-binary.ts',
      'src-main/**/*.as.ts',
    ],
  },
  js.configs.recommended,
  ...ts.configs.recommended,
  ...svelte.configs['flat/recommended'],
  prettier,
  ...svelte.configs['flat/prettier'],
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      '@typescript-eslint/no-non-null-assertion': 'off',
      // comments and code alike; tables in comments may use the URL/string exemptions
      'max-len': [
        'error',
        {
          code: 120,
          ignoreUrls: true,
          ignoreRegExpLiterals: true,
          ignoreStrings: true,
          ignoreTemplateLiterals: true,
          ignorePattern: '^\\s*(//|\\*)\\s*\\|',
        },
      ],
    },
  },
  {
    // reference tables (mpmath values, published coefficients) keep their printed digits
    files: ['src-shared/network/erf.ts', 'src-shared/network/erf.test.ts', 'src-shared/network/activations.test.ts'],
    rules: { 'no-loss-of-precision': 'off' },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: ts.parser, extraFileExtensions: ['.svelte'] } },
  },
);
