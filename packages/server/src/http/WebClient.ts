import { HttpLayerRouter, HttpServerResponse } from "@effect/platform"
import { Effect } from "effect"

/** Placeholder for the web client until it ships: links to what works today. */
const page = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Media server</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;color:#222}
code{background:#f2f2f2;padding:0 .3em}</style></head>
<body><h1>Media server</h1><p>The server is running.</p>
<ul><li><a href="/api/docs">API documentation</a> (<a href="/api/openapi.json">OpenAPI</a>)</li>
<li><a href="/api/v1/system/info">System info</a></li><li><a href="/readyz">Readiness</a></li>
<li><a href="/metrics">Metrics</a></li></ul></body></html>`

export const WebClientRoutes = HttpLayerRouter.add("GET", "/", Effect.succeed(HttpServerResponse.html(page)))
