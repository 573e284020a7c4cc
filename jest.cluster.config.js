/** @type {import('jest').Config} */
// npm run test:cluster: two built server instances on PostgreSQL and Redis behind a real nginx
// (test/cluster/helpers/cluster.ts says what it needs; .ci/run provides it).
const { common } = require('./test/jest-common')

module.exports = {
  ...common,
  displayName: 'cluster',
  testEnvironment: 'node',
  testMatch: ['<rootDir>/test/cluster/**/*.test.ts'],
  // Each scenario runs its own processes: one file at a time keeps a 2-core machine responsive.
  maxWorkers: 1,
}
