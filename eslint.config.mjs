// ESLint (flat config): typescript-eslint's type-aware recommended and stylistic rules for
// every TypeScript file of the repository; formatting is Prettier's (eslint-config-prettier
// turns off the rules it owns). `npm run lint` runs both; `npm test` runs `lint`.
import js from '@eslint/js'
import prettier from 'eslint-config-prettier'
import globals from 'globals'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  {
    // examples/ are a user's project: ts-jest type-checks them against the packed package when
    // their tests run (scripts/example-test.mjs, test/integration/example.test.ts).
    ignores: [
      'node_modules/',
      'dist/',
      'miniprogram_dist/',
      'miniprogram/lib/',
      'build/',
      'coverage/',
      'data/',
      'examples/',
      '**/*.js',
      '**/*.mjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  ...tseslint.configs.stylisticTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.node },
    },
    rules: {
      // Unused arguments are part of a callback's shape; a leading _ says so.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // `void promise` marks a promise nobody awaits on purpose.
      '@typescript-eslint/no-floating-promises': ['error', { ignoreVoid: true }],
      '@typescript-eslint/no-confusing-void-expression': 'off',
      // Types and interfaces are both used: interfaces for objects, types for unions and maps.
      '@typescript-eslint/consistent-type-definitions': 'off',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      // T[] for simple element types, Array<…> for the rest (as the code is written).
      '@typescript-eslint/array-type': ['error', { default: 'array-simple' }],
    },
  },
  {
    // Tests drive the code with loosely typed frames from the wire on purpose.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/unbound-method': 'off',
      // Fakes implement Promise-returning interfaces (fetch, request, upload) as async functions, so a throw rejects as the real one does.
      '@typescript-eslint/require-await': 'off',
    },
  },
  prettier,
)
