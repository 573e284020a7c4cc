/**
 * `npm run test:e2e`: the agent console in real headless Chromium (Debian's package, driven
 * by playwright-core) against the reference server in-process. Kept apart from `npm test`,
 * which needs no browser.
 * @type {import('jest').Config}
 */
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: false }]

// ESM-only packages the server loads (as in jest.config.js): compile them to CommonJS.
const esmPackages = ['content-disposition']

module.exports = {
  displayName: 'e2e',
  testEnvironment: 'node',
  testMatch: ['<rootDir>/test/e2e/**/*.test.ts'],
  transform: {
    '^.+\\.ts$': tsJest,
    [`/node_modules/(${esmPackages.join('|')})/.+\\.js$`]: ['ts-jest', { tsconfig: { allowJs: true, module: 'commonjs', target: 'ES2019' }, diagnostics: false }],
  },
  transformIgnorePatterns: [`/node_modules/(?!(${esmPackages.join('|')})/)`],
  moduleFileExtensions: ['ts', 'js', 'json'],
  // One browser at a time: the tests share a server and a page, and CI has 2 cores.
  maxWorkers: 1,
  testTimeout: 60_000,
}
