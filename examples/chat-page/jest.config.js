/** @type {import('jest').Config} */
module.exports = {
  // miniprogram-simulate renders pages into jsdom.
  testEnvironment: 'jsdom',
  // `ws` (the mock server, the socket over ws) must load its Node build, not the browser stub.
  testEnvironmentOptions: { customExportConditions: ['node', 'node-addons'] },
  transform: { '^.+\\.ts$': 'ts-jest' },
  moduleFileExtensions: ['ts', 'js', 'json'],
  // App, getApp, getCurrentPages and Page for miniprogram-simulate, and the Node globals jsdom lacks.
  setupFiles: ['miniprogram-chat-socket/testing/jest-setup'],
  testMatch: ['<rootDir>/test/**/*.test.ts'],
}
