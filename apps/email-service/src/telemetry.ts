// Loaded before the app (`node --import ./telemetry.js main.js`): see @shop/telemetry/sdk.
import { startTelemetry } from '@shop/telemetry/sdk';
import { version } from '../../../package.json';

startTelemetry({ serviceName: 'email-service', serviceVersion: version });
