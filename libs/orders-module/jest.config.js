module.exports = { ...require('../../jest.preset.js'), displayName: 'orders-module', rootDir: __dirname };
