// Lint: TypeScript-aware recommended rules, plus the project's own: nothing outside libs/config reads process.env.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.data/**', 'coverage/**', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-restricted-syntax': [
        'error',
        { selector: "CallExpression[callee.name='forwardRef']", message: 'No forwardRef cycles: move the shared concept down a layer.' },
      ],
    },
  },
  {
    // What time it is comes from the injected Clock (libs/time), so that tests can set it. Durations may read Date.now().
    files: ['apps/**/*.ts', 'libs/**/*.ts'],
    ignores: ['apps/web/**', 'libs/time/**', '**/*.spec.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: "CallExpression[callee.name='forwardRef']", message: 'No forwardRef cycles: move the shared concept down a layer.' },
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'Read the time from the injected Clock (@cdtg/time): clock.now(), clock.today().' },
      ],
    },
  },
  {
    files: ['apps/**/*.ts', 'libs/**/*.ts'],
    ignores: ['libs/config/**'],
    rules: {
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Only libs/config reads process.env; inject AppConfig.' }],
    },
  },
);
