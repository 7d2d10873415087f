module.exports = { ...require('../../jest.preset.js'), displayName: 'orders-service', rootDir: __dirname };
