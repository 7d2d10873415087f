// Plain helpers the services' domains share: no transport, no storage.
export * from './uuid';
export * from './cursor';
export * from './paging';
