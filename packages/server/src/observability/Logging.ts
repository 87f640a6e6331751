import { Cause, Effect, HashMap, Inspectable, Layer, Logger } from "effect"
import { AppConfig } from "../config/AppConfig.js"

const show = (value: unknown) => (typeof value === "string" ? value : Inspectable.format(value).replace(/\s*\n\s*/g, " "))

/**
 * For a terminal: one line per entry (`time LEVEL message key=value ...`); Effect's pretty logger puts
 * each annotation on a line of its own, and a request came out as a five-line block. A cause follows
 * on the next lines.
 */
const oneLine = Logger.make(({ annotations, cause, date, logLevel, message }) => {
  const text = (Array.isArray(message) ? message : [message]).map(show).join(" ")
  const fields = HashMap.toEntries(annotations).map(([key, value]) => `${key}=${show(value)}`)
  const line = [date.toISOString(), logLevel.label, text, ...fields].join(" ")
  globalThis.console.log(Cause.isEmpty(cause) ? line : `${line}\n${Cause.pretty(cause, { renderErrorCause: true })}`)
})

/** Structured logs: one line each, pretty for a terminal, json or logfmt for collectors; level from LOG_LEVEL. */
export const LoggingLive = Layer.unwrapEffect(
  Effect.map(AppConfig, (config) => {
    const logger =
      config.logFormat === "json"
        ? Logger.json
        : config.logFormat === "logfmt"
          ? Logger.logFmt
          : Logger.replace(Logger.defaultLogger, oneLine)
    return Layer.merge(logger, Logger.minimumLogLevel(config.logLevel))
  })
)
