import { describe, expect, it } from "@effect/vitest"
import { Effect, Schema } from "effect"
import * as Http from "node:http"
import { startServerWithDatabase } from "@mediaserver/testkit/TestServer"

const MAX_BODY_BYTES = 1024

const ErrorBody = Schema.Struct({
  code: Schema.String,
  message: Schema.String,
  details: Schema.optional(Schema.Unknown)
})

const FieldDetails = Schema.Struct({
  fields: Schema.Array(Schema.Struct({ field: Schema.String, message: Schema.String }))
})

interface Reply {
  readonly status: number
  readonly contentType: string
  readonly text: string
}

const send = (url: string, init?: RequestInit) =>
  Effect.promise(async (): Promise<Reply> => {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) })
    return { status: res.status, contentType: res.headers.get("content-type") ?? "", text: await res.text() }
  })

const errorBody = (reply: Reply) => Schema.decodeUnknown(Schema.parseJson(ErrorBody))(reply.text)

const postJson = (url: string, body: string) =>
  send(url, { method: "POST", body, headers: { "content-type": "application/json" } })

/**
 * A POST whose body has no Content-Length (`transfer-encoding: chunked`), written in small chunks. The
 * server may answer (and close) before the whole body is written: write errors after a response are fine.
 */
const postChunked = (url: string, chunks: ReadonlyArray<string>) =>
  Effect.async<Reply, Error>((resume) => {
    let done = false
    const finish = (effect: Effect.Effect<Reply, Error>) => {
      if (done) return
      done = true
      resume(effect)
    }
    const req = Http.request(
      url,
      {
        method: "POST",
        headers: { "content-type": "application/json", "transfer-encoding": "chunked" },
        timeout: 10_000
      },
      (res) => {
        let text = ""
        res.setEncoding("utf8")
        res.on("data", (chunk: string) => (text += chunk))
        res.on("end", () =>
          finish(Effect.succeed({ status: res.statusCode ?? 0, contentType: res.headers["content-type"] ?? "", text })))
        res.on("error", (error) => finish(Effect.fail(error)))
      }
    )
    req.on("timeout", () => req.destroy(new Error("chunked request timed out")))
    req.on("error", (error) => finish(Effect.fail(error)))
    const writeNext = (index: number): void => {
      if (done || req.destroyed) return
      const chunk = chunks[index]
      if (chunk === undefined) {
        req.end()
        return
      }
      req.write(chunk, () => setImmediate(() => writeNext(index + 1)))
    }
    writeNext(0)
    return Effect.sync(() => req.destroy())
  })

/** `{"note":"hi","pad":"xxx..."}`: valid for the ping endpoint (extra keys are ignored) but `size` bytes long. */
const validBodyOfSize = (size: number) => {
  const head = `{"note":"hi","pad":"`
  const tail = `"}`
  return head + "x".repeat(size - head.length - tail.length) + tail
}

const chunksOf = (text: string, size: number) =>
  Array.from({ length: Math.ceil(text.length / size) }, (_, i) => text.slice(i * size, (i + 1) * size))

/** The value of `http_requests_total{...status="404"...}` summed over its series (0 when absent). */
const counterFor = (metrics: string, status: string) =>
  metrics
    .split("\n")
    .filter((line) => line.startsWith("http_requests_total{") && line.includes(`status="${status}"`))
    .map((line) => Number(line.slice(line.lastIndexOf(" ") + 1)))
    .reduce((sum, n) => sum + n, 0)

const OpenApiDoc = Schema.Struct({
  openapi: Schema.String,
  paths: Schema.Record({ key: Schema.String, value: Schema.Record({ key: Schema.String, value: Schema.Unknown }) })
})
const Operation = Schema.Struct({ responses: Schema.Record({ key: Schema.String, value: Schema.Unknown }) })
const HTTP_METHODS = new Set(["get", "put", "post", "delete", "options", "head", "patch", "trace"])
/** Declared on the whole API (packages/domain/src/api.ts): every operation can answer them. */
const API_ERROR_STATUSES = ["400", "404", "413", "500"]

describe("HTTP errors", () => {
  it.scopedLive("every failure is a JSON { code, message } with the right status", () =>
    Effect.gen(function*() {
      const { url } = yield* startServerWithDatabase({ MAX_BODY_BYTES: String(MAX_BODY_BYTES) })
      const ping = `${url}/api/v1/system/ping/x`

      // Sanity: the endpoint used below works with a valid body, so the failures below are the body's.
      const ok = yield* postJson(ping, `{"note":"hello"}`)
      expect(ok.status, ok.text).toBe(200)

      // Malformed JSON.
      const malformed = yield* postJson(ping, `{"note": "unterminated`)
      expect(malformed.status, malformed.text).toBe(400)
      expect(malformed.contentType).toContain("application/json")
      const malformedBody = yield* errorBody(malformed)
      expect(malformedBody.code).toBe("BadRequest")
      expect(malformedBody.message.length).toBeGreaterThan(0)

      // Wrong type, then too long: the field is named in the message and in details.
      for (const body of [`{"note":123}`, JSON.stringify({ note: "n".repeat(300) })]) {
        const invalid = yield* postJson(ping, body)
        expect(invalid.status, invalid.text).toBe(400)
        const decoded = yield* errorBody(invalid)
        expect(decoded.code).toBe("BadRequest")
        expect(decoded.message).toContain("note")
        const details = yield* Schema.decodeUnknown(FieldDetails)(decoded.details)
        expect(details.fields.map((f) => f.field)).toContain("note")
      }

      // Unknown route.
      const missing = yield* send(`${url}/api/v1/does-not-exist?x=1`)
      expect(missing.status).toBe(404)
      expect(missing.contentType).toContain("application/json")
      expect(yield* errorBody(missing)).toEqual({ code: "NotFound", message: "No route for GET /api/v1/does-not-exist" })
    }))

  it.scopedLive("bodies over MAX_BODY_BYTES get 413 (with Content-Length) or are cut (chunked)", () =>
    Effect.gen(function*() {
      const { url } = yield* startServerWithDatabase({ MAX_BODY_BYTES: String(MAX_BODY_BYTES) })
      const ping = `${url}/api/v1/system/ping/x`

      // Just under the limit is accepted, both ways: the 413s below are about size only.
      const small = validBodyOfSize(MAX_BODY_BYTES - 10)
      expect((yield* postJson(ping, small)).status).toBe(200)
      const smallChunked = yield* postChunked(ping, chunksOf(small, 256))
      expect(smallChunked.status, smallChunked.text).toBe(200)

      const large = validBodyOfSize(MAX_BODY_BYTES * 4)
      const withLength = yield* postJson(ping, large)
      expect(withLength.status, withLength.text).toBe(413)
      expect((yield* errorBody(withLength)).code).toBe("PayloadTooLarge")

      // Without Content-Length the limit is found mid-stream: the platform then destroys the request
      // stream (and its socket), so the client sees the connection close; it never gets a 2xx.
      const chunked = yield* Effect.either(postChunked(ping, chunksOf(large, 256)))
      if (chunked._tag === "Right") expect(chunked.right.status, chunked.right.text).toBe(413)
      else expect(chunked.left.message).toMatch(/socket hang up|ECONNRESET|EPIPE/)

      // The server is fine afterwards.
      expect((yield* postJson(ping, "{}")).status).toBe(200)
    }))

  it.scopedLive("OpenAPI document, docs page and metrics", () =>
    Effect.gen(function*() {
      const { url } = yield* startServerWithDatabase({ MAX_BODY_BYTES: String(MAX_BODY_BYTES) })

      const spec = yield* send(`${url}/api/openapi.json`)
      expect(spec.status).toBe(200)
      const doc = yield* Schema.decodeUnknown(Schema.parseJson(OpenApiDoc))(spec.text)
      expect(doc.openapi).toMatch(/^3\.\d+\.\d+$/)
      const operations = Object.entries(doc.paths).flatMap(([path, item]) =>
        Object.entries(item)
          .filter(([method]) => HTTP_METHODS.has(method))
          .map(([method, operation]) => ({ name: `${method.toUpperCase()} ${path}`, operation }))
      )
      expect(operations.map((o) => o.name)).toEqual(
        expect.arrayContaining(["GET /api/v1/system/info", "POST /api/v1/system/ping/{id}"])
      )
      for (const { name, operation } of operations) {
        const { responses } = yield* Schema.decodeUnknown(Operation)(operation)
        const statuses = Object.keys(responses)
        // A success is 2xx, or a redirect for the operations that answer one (the OIDC login: 302).
        expect(statuses.some((s) => s.startsWith("2") || s === "302"), `${name}: ${statuses.join(",")}`).toBe(true)
        for (const status of API_ERROR_STATUSES) {
          expect(statuses, `${name} declares ${status}`).toContain(status)
        }
      }

      const docs = yield* send(`${url}/api/docs`)
      expect(docs.status).toBe(200)
      expect(docs.contentType).toContain("text/html")
      expect(docs.text.toLowerCase()).toContain("<html")

      const before = counterFor((yield* send(`${url}/metrics`)).text, "404")
      expect((yield* send(`${url}/no/such/page.json`)).status).toBe(404)
      const metrics = yield* send(`${url}/metrics`)
      expect(metrics.status).toBe(200)
      expect(metrics.text).toMatch(/^http_requests_total\{[^}]*status="404"[^}]*\} \d+/m)
      expect(counterFor(metrics.text, "404")).toBe(before + 1)
    }))
})
