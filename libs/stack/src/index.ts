export * from './apps';
export * from './start-stack';
export * from './test-stack';
