module.exports = { ...require('../../jest.preset.js'), displayName: 'payments-module', rootDir: __dirname };
