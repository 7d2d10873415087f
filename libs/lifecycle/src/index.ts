export * from './shutdown';
export * from './run-service';
export * from './dependency-watch';
export * from './lifeline';
