module.exports = { ...require('../../jest.preset.js'), displayName: 'shop-api', rootDir: __dirname };
