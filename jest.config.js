/** @type {import('jest').Config} */
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: false }]

// ESM-only packages the server loads (@fastify/static → content-disposition@3). Node 20
// requires them natively, jest's module runtime does not: compile them to CommonJS.
const esmPackages = ['content-disposition']
const esmTransform = {
  [`/node_modules/(${esmPackages.join('|')})/.+\\.js$`]: ['ts-jest', { tsconfig: { allowJs: true, module: 'commonjs', target: 'ES2019' }, diagnostics: false }],
}
const esmIgnore = [`/node_modules/(?!(${esmPackages.join('|')})/)`]

module.exports = {
  projects: [
    {
      displayName: 'node',
      testEnvironment: 'node',
      testMatch: ['<rootDir>/test/{unit,integration,server}/**/*.test.ts'],
      transform: { '^.+\\.ts$': tsJest, ...esmTransform },
      transformIgnorePatterns: esmIgnore,
      moduleFileExtensions: ['ts', 'js', 'json'],
    },
    {
      // The mini-program pages and components under miniprogram-simulate, against the real server.
      displayName: 'simulate',
      testEnvironment: 'jsdom',
      // `ws` and the server's packages must load their Node builds, not the browser ones.
      testEnvironmentOptions: { customExportConditions: ['node', 'node-addons'] },
      testMatch: ['<rootDir>/test/simulate/**/*.test.ts'],
      setupFiles: ['<rootDir>/test/simulate/setup.ts'],
      transform: { '^.+\\.ts$': tsJest, ...esmTransform },
      transformIgnorePatterns: esmIgnore,
      moduleFileExtensions: ['ts', 'js', 'json'],
      // Pages import the built bundles (miniprogram/lib/); tests run the current sources.
      moduleNameMapper: {
        '^(?:\\./|(?:\\.\\./)+)lib/index$': '<rootDir>/src/miniprogram.ts',
        '^(?:\\./|(?:\\.\\./)+)lib/chat/index$': '<rootDir>/src/chat/index.ts',
      },
    },
  ],
}
