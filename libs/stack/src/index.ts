export * from './apps';
export * from './start-stack';
export { freePort } from './ports';
