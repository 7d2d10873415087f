// Tests of the repository's own scripts (tools/scripts). Without the shared global set-up: these tests
// run the prerequisite check where Postgres or the broker is missing on purpose, so they must not need
// either themselves.
const preset = { ...require('../jest.preset.js') };
delete preset.globalSetup;
delete preset.globalTeardown;

module.exports = {
  ...preset,
  displayName: 'tools',
  rootDir: __dirname,
  testMatch: ['<rootDir>/scripts/**/*.spec.ts', '<rootDir>/architectures/**/*.spec.ts'],
};
