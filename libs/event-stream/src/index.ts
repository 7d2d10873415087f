export * from './server-sent-events';
