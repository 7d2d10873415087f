// Loaded before the app (`node --import ./telemetry.js main.js`): see @shop/telemetry/sdk.
import { startTelemetry } from '@shop/telemetry/sdk';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the workspace's version is every app's version
import { version } from '../../../package.json';

// One process serves the API and runs every module: the HTTP server and the modules' queries are what
// it instruments; the in-process relay makes the spans of each event's delivery itself.
startTelemetry({
  serviceName: 'monolith',
  serviceVersion: version,
  instrument: ['http-server', 'pg'],
});
