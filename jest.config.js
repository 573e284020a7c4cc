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
  ],
}
