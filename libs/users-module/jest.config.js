module.exports = { ...require('../../jest.preset.js'), displayName: 'users-module', rootDir: __dirname };
