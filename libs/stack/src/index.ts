export * from './apps';
export * from './port-check';
export * from './restart-policy';
export * from './start-stack';
export * from './supervise';
export * from './test-stack';
