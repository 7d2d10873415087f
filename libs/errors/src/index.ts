export * from './app-error';
export * from './grpc-status';
export * from './http-status';
export * from './unavailable';
