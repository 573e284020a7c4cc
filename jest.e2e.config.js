/**
 * `npm run test:e2e`: the agent console in real headless Chromium (Debian's package, driven
 * by playwright-core) against the reference server in-process. Kept apart from `npm test`,
 * which needs no browser.
 * @type {import('jest').Config}
 */
const { common } = require('./test/jest-common')

module.exports = {
  ...common,
  displayName: 'e2e',
  testEnvironment: 'node',
  testMatch: ['<rootDir>/test/e2e/**/*.test.ts'],
  // One browser at a time: the tests share a server and a page, and CI has 2 cores.
  maxWorkers: 1,
  testTimeout: 60_000,
}
