import { Effect, Layer, Logger } from "effect"
import { AppConfig } from "../config/AppConfig.js"

/** Structured logs: pretty for a terminal, json or logfmt for collectors; level from LOG_LEVEL. */
export const LoggingLive = Layer.unwrapEffect(
  Effect.map(AppConfig, (config) => {
    const logger =
      config.logFormat === "json"
        ? Logger.json
        : config.logFormat === "logfmt"
          ? Logger.logFmt
          : Logger.pretty
    return Layer.merge(logger, Logger.minimumLogLevel(config.logLevel))
  })
)
