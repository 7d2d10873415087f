// `npm test`: every project's tests in one run. The global set-up provisions what the tests need
// (a reachable Postgres, the Kafka-protocol broker) once for all of them.
module.exports = {
  projects: ['<rootDir>/apps/*/jest.config.js', '<rootDir>/libs/*/jest.config.js'],
  globalSetup: '<rootDir>/libs/testing/src/global-setup.ts',
  globalTeardown: '<rootDir>/libs/testing/src/global-teardown.ts',
};
