// @shop/shop-client: the shop as its users reach it, through the gateway's public HTTP API. Used by the
// end-to-end tests, the benchmarks and the tools that capture a checkout's trace.
export * from './shop-client';
export * from './trace-checkout';
