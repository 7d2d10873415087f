module.exports = { ...require('../../jest.preset.js'), displayName: 'payments-service', rootDir: __dirname };
