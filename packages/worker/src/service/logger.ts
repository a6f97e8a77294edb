import { type DestinationStream, type Logger as PinoLogger, pino } from "pino";

/** The worker's logger, pino's, as `createLogger` makes it. */
export type Logger = PinoLogger;

/** JSON logs on stdout (or `destination`); API keys are never logged, header values are redacted. */
export function createLogger(options: { readonly level?: string; readonly destination?: DestinationStream } = {}): Logger {
  const settings = {
    level: options.level ?? process.env.LOG_LEVEL ?? "info",
    base: { service: "immich-family-worker" },
    redact: { paths: ["apiKey", "*.apiKey", "headers", "*.headers", "x-api-key"], censor: "[redacted]" },
  };
  return options.destination ? pino(settings, options.destination) : pino(settings);
}
