export * from './migrations';
export * from './outbox';
export * from './relay';
export * from './processed-events';
export * from './failures';
export * from './event-consumer';
