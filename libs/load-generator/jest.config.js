module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'load-generator',
  rootDir: __dirname,
  // test/ opens the HTML report in headless Chromium.
  testTimeout: 120_000,
};
