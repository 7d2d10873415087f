export * from './otlp-json';
export * from './trace-summary';
export * from './trace-tree';
export * from './waterfall';
