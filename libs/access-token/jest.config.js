module.exports = { ...require('../../jest.preset.js'), displayName: 'access-token', rootDir: __dirname };
