// API-level helpers only: cheap to import anywhere, no-ops without the SDK. The SDK itself starts from
// each app's telemetry entry (`@shop/telemetry/sdk`).
export * from './flush';
export * from './spans';
