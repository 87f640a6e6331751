import { NodeSdk } from "@effect/opentelemetry"
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http"
import { BatchSpanProcessor } from "@opentelemetry/sdk-trace-base"
import { Effect, Layer, Option } from "effect"
import { AppConfig } from "../config/AppConfig.js"
import { VERSION } from "../system/Version.js"

/**
 * OpenTelemetry traces over OTLP/HTTP when OTEL_EXPORTER_OTLP_ENDPOINT is set. Otherwise no span is
 * made at all: nothing would read them, and every SQL statement, request and job would still pay for
 * one (an object and a captured stack each).
 */
export const TracingLive = Layer.unwrapEffect(
  Effect.map(AppConfig, (config) =>
    Option.match(config.otlpEndpoint, {
      onNone: () => Layer.setTracerEnabled(false),
      onSome: (endpoint) =>
        NodeSdk.layer(() => ({
          resource: { serviceName: config.serviceName, serviceVersion: VERSION },
          spanProcessor: new BatchSpanProcessor(
            new OTLPTraceExporter({ url: `${endpoint.replace(/\/$/, "")}/v1/traces` })
          )
        }))
    })
  )
)
