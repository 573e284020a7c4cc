/** @type {import('jest').Config} */
const { common } = require('./test/jest-common')

module.exports = {
  projects: [
    {
      ...common,
      displayName: 'node',
      testEnvironment: 'node',
      testMatch: ['<rootDir>/test/{unit,integration,server,console}/**/*.test.ts'],
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
  ],
}
