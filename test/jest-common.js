// What every jest project of this repository shares (jest.config.js, jest.e2e.config.js).

const tsJest = ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: false }]

// ESM-only packages the server loads (@fastify/static → content-disposition@3). Node 20
// requires them natively, jest's module runtime does not: compile them to CommonJS.
const esmPackages = ['content-disposition']

/** The transform, ignore pattern and module mapping of a TypeScript project. */
const common = {
  // CI machines are shared and loaded: tests wait for events, never for time, so a slow run
  // must not fail on jest's 5 s default.
  testTimeout: 60_000,
  transform: {
    '^.+\\.ts$': tsJest,
    [`/node_modules/(${esmPackages.join('|')})/.+\\.js$`]: [
      'ts-jest',
      { tsconfig: { allowJs: true, module: 'commonjs', target: 'ES2019' }, diagnostics: false },
    ],
  },
  transformIgnorePatterns: [`/node_modules/(?!(${esmPackages.join('|')})/)`],
  moduleFileExtensions: ['ts', 'js', 'json'],
  // The package's own name resolves to its sources, as tsconfig.json's `paths` say.
  moduleNameMapper: {
    '^miniprogram-chat-socket$': '<rootDir>/src/index.ts',
    '^miniprogram-chat-socket/chat$': '<rootDir>/src/chat/index.ts',
    '^miniprogram-chat-socket/testing$': '<rootDir>/src/testing/index.ts',
    '^miniprogram-chat-socket/testing/jest-setup$': '<rootDir>/src/testing/jest-setup.ts',
  },
}

module.exports = { common }
