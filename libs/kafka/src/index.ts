export * from './topics';
export * from './client';
export * from './consumer';
export * from './broadcast-listener';
