// Shared by every project's jest.config.js: TypeScript through ts-jest (transpile only; `tsc` type-checks
// separately) and the workspace path aliases from tsconfig.base.json.
const { pathsToModuleNameMapper } = require('ts-jest');
const { compilerOptions } = require('./tsconfig.base.json');

module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.m?[tj]s$': ['ts-jest', { tsconfig: `${__dirname}/tsconfig.spec.json` }],
  },
  // Some dependencies ship ESM only (typebox, eventsource-parser, and cookie and content-disposition under
  // Fastify's plugins); they are transpiled like our own code.
  transformIgnorePatterns: ['/node_modules/(?!(cookie|typebox|content-disposition|eventsource-parser)/)'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: pathsToModuleNameMapper(compilerOptions.paths, { prefix: `${__dirname}/` }),
  // Checks Postgres and starts the Kafka-protocol broker, once per run (see libs/testing).
  globalSetup: `${__dirname}/libs/testing/src/global-setup.ts`,
  globalTeardown: `${__dirname}/libs/testing/src/global-teardown.ts`,
  testTimeout: 30_000,
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
};
