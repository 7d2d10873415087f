module.exports = { ...require('../../jest.preset.js'), displayName: 'kafka-mock-broker', rootDir: __dirname };
