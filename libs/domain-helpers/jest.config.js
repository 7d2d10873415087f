module.exports = { ...require('../../jest.preset.js'), displayName: 'domain-helpers', rootDir: __dirname };
