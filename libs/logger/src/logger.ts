import { pino, type DestinationStream, type Logger, type LevelWithSilent } from 'pino';

export type { Logger } from 'pino';

export interface LoggerOptions {
  /** The app's name; every line carries it as `service`. */
  service: string;
  level?: LevelWithSilent;
  /** Where lines go; standard output when omitted. Tests pass a stream to read what was logged. */
  destination?: DestinationStream;
}

/**
 * JSON lines on stdout, one object per event, with the level as a word and an ISO time so that any log
 * pipeline (and a person with `jq`) can read them. Trace correlation (`trace_id`, `span_id`) is added by
 * the OpenTelemetry pino instrumentation when telemetry is on; nothing here needs to know about it.
 */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: { service: options.service },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: ['password', '*.password', 'authorization', '*.authorization'], censor: '[redacted]' },
    },
    options.destination,
  );
}
