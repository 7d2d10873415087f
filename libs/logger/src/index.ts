export * from './logger';
export * from './sync-output';
