module.exports = { ...require('../../jest.preset.js'), displayName: 'shop-client', rootDir: __dirname };
