export * from './pool';
export * from './migrations';
export * from './provision';
export * from './module-schemas';
