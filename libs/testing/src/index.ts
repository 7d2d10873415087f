export * from './postgres';
export * from './kafka';
export * from './eventually';
