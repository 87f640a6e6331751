/** The operations a server's OpenAPI document describes, as `METHOD /path/{param}` lines (the reference's form). */
import { Effect, Schema } from "effect"
import { read, request } from "@mediaserver/testkit/Http"

const OpenApi = Schema.Struct({ paths: Schema.Record({ key: Schema.String, value: Schema.Record({ key: Schema.String, value: Schema.Unknown }) }) })

export const servedOperations = (url: string) =>
  Effect.map(Effect.flatMap(request(url, "GET", "/api/openapi.json"), read(OpenApi)), ({ paths }) =>
    new Set(Object.entries(paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`))))

/** The lines of `reference` (one operation a line) the server does not serve. */
export const missingOperations = (url: string, reference: string) =>
  Effect.map(servedOperations(url), (served) => reference.trim().split("\n").filter((operation) => !served.has(operation)))
