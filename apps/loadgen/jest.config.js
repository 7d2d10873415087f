module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'loadgen',
  rootDir: __dirname,
  // test/ starts the whole shop as processes.
  testTimeout: 120_000,
};
