export * from './migrations';
export * from './outbox';
export * from './relay';
export * from './processed-events';
export * from './ports';
export * from './postgres-unit-of-work';
export * from './failures';
export * from './event-consumer';
