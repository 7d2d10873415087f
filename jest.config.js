// `npm test`: every project's tests in one run. Each project's config (jest.preset.js) carries the
// global set-up that checks Postgres and starts the Kafka-protocol broker; it runs once. tools/ holds the
// tests of the repository's scripts, which need neither.
module.exports = {
  // Global options (not per project): component tests wait for the broker and for processes.
  testTimeout: 30_000,
  projects: [
    '<rootDir>/apps/*/jest.config.js',
    '<rootDir>/libs/*/jest.config.js',
    '<rootDir>/tools/jest.config.js',
  ],
};
