// Loaded before the app (`node --import ./telemetry.js main.js`): see @shop/telemetry/sdk.
import { startTelemetry } from '@shop/telemetry/sdk';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the workspace's version is every app's version
import { version } from '../../../package.json';

startTelemetry({
  serviceName: 'gateway',
  serviceVersion: version,
  instrument: ['http-server', 'grpc', 'kafkajs'],
});
