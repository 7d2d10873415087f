// `npm test`: every project's tests in one run. Each project's config (jest.preset.js) carries the
// global set-up that checks Postgres and starts the Kafka-protocol broker; it runs once.
module.exports = {
  projects: ['<rootDir>/apps/*/jest.config.js', '<rootDir>/libs/*/jest.config.js'],
};
