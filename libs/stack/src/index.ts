export * from './apps';
export * from './start-stack';
