module.exports = { ...require('../../jest.preset.js'), displayName: 'fault-flags', rootDir: __dirname };
