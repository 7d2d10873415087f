import { render } from 'preact';
import { App } from './app';
import './styles.css';
import { startTelemetry } from './telemetry';

startTelemetry();
const root = document.getElementById('app');
if (root) render(<App />, root);
