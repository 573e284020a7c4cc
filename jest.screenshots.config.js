/**
 * `npm run screenshots`: scripts/screenshots.ts in the simulate project's environment (jsdom,
 * miniprogram-simulate, the pages' lib/ imports mapped to the sources), writing
 * docs/screenshots/*.png with headless Chromium. Not part of `npm test`.
 * @type {import('jest').Config}
 */
const config = require('./jest.config.js')

const simulate = config.projects.find((p) => p.displayName === 'simulate')

module.exports = {
  ...simulate,
  displayName: 'screenshots',
  testMatch: ['<rootDir>/scripts/screenshots.ts'],
  maxWorkers: 1,
}
