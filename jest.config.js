/** @type {import('jest').Config} */
const { common } = require('./test/jest-common')

// The server suite again on PostgreSQL (test/helpers/test-database.ts), when there is one to use.
// .ci/run starts one and sets TEST_DATABASE_URL; without it the project is left out, and said so.
const pgProjects = []
if (process.env.TEST_DATABASE_URL) {
  pgProjects.push({
    ...common,
    displayName: 'server-pg',
    testEnvironment: 'node',
    testMatch: ['<rootDir>/test/server/**/*.test.ts'],
    // SQLite's own file format, migrations, pragmas and file modes; the PostgreSQL store has its own tests.
    testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/server/store.test.ts', '<rootDir>/test/server/hardening-file-modes.test.ts'],
    setupFiles: ['<rootDir>/test/server/pg-env.ts'],
    setupFilesAfterEnv: ['<rootDir>/test/server/pg-setup.ts'],
  })
} else if (!process.env.JEST_WORKER_ID) {
  process.stderr.write('server-pg: skipped (set TEST_DATABASE_URL=postgres://… to run the server tests on PostgreSQL too; .ci/run does)\n')
}

module.exports = {
  projects: [
    {
      ...common,
      displayName: 'node',
      testEnvironment: 'node',
      // Several PostgreSQL instances on one database: the server-pg project's alone.
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/server/postgres-store.test.ts'],
      testMatch: [
        '<rootDir>/test/{unit,integration,server,console,platforms}/**/*.test.ts',
        // The testing kit's own tests; test/kit/simulate/ runs in the kit-simulate project.
        '<rootDir>/test/kit/*.test.ts',
        // The Socket.IO client and server helper against the real socket.io server.
        '<rootDir>/test/socket.io/**/*.test.ts',
        // HTTP long-polling: the server endpoint, PollingTransport, fallback and upgrade.
        '<rootDir>/test/polling/**/*.test.ts',
        // Issue 9: property tests (fast-check) and fuzzing of the decoder and the frame handlers.
        '<rootDir>/test/{property,fuzz}/**/*.test.ts',
      ],
    },
    {
      ...common,
      // The mini-program pages and components under miniprogram-simulate, against the real server.
      displayName: 'simulate',
      testEnvironment: 'jsdom',
      // `ws` and the server's packages must load their Node builds, not the browser ones.
      testEnvironmentOptions: { customExportConditions: ['node', 'node-addons'] },
      testMatch: ['<rootDir>/test/simulate/**/*.test.ts'],
      setupFiles: ['<rootDir>/test/simulate/setup.ts'],
      // Pages import the built bundles (miniprogram/lib/); tests run the current sources.
      moduleNameMapper: {
        ...common.moduleNameMapper,
        '^(?:\\./|(?:\\.\\./)+)lib/index$': '<rootDir>/src/miniprogram.ts',
        '^(?:\\./|(?:\\.\\./)+)lib/chat/index$': '<rootDir>/src/chat/index.ts',
      },
    },
    {
      ...common,
      // The testing kit's jest-setup and page helper as users run them: the kit's setup file
      // only (no repository rules on top), pages written with Page() and with Component().
      displayName: 'kit-simulate',
      testEnvironment: 'jsdom',
      testEnvironmentOptions: { customExportConditions: ['node', 'node-addons'] },
      testMatch: ['<rootDir>/test/kit/simulate/**/*.test.ts'],
      setupFiles: ['<rootDir>/src/testing/jest-setup.ts'],
    },
    ...pgProjects,
  ],
}
