module.exports = { ...require('../../jest.preset.js'), displayName: 'email-module', rootDir: __dirname };
