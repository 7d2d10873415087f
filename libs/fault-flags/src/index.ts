export * from './fault-flags';
export * from './flags-file';
