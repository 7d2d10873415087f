module.exports = { ...require('../../jest.preset.js'), displayName: 'trace-tree', rootDir: __dirname };
