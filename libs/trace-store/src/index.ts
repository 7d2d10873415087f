export * from './trace-dir';
export * from './trace-receiver';
export * from './traces-cli';
