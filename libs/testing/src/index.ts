export * from './postgres-server';
export * from './postgres';
export * from './kafka';
export * from './eventually';
export * from './keys';
export * from './smtp-capture';
export * from './otlp-receiver';
