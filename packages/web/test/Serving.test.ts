/**
 * How a node serves the built client: index.html uncached with the bootstrap flags filled in (for `/`
 * and the client's routes), hashed assets cached a year and sent brotli/gzip as accepted, nothing
 * outside the assets folder; without a build, the page of links.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Fs from "node:fs/promises"
import * as Path from "node:path"
import * as Http from "node:http"
import { brotliCompressSync, brotliDecompressSync, constants as zlibConstants, gunzipSync } from "node:zlib"
import { request } from "@mediaserver/testkit/Http"
import { tempDir } from "@mediaserver/testkit/PlaybackNode"
import { WEB_DIR, webNode } from "@mediaserver/testkit/WebNode"

// One connection per request (node:http without an agent, the socket closed after the answer): a pooled
// keep-alive socket may be one the server has just closed as idle, and undici's fetch then failed on a
// loaded machine (ECONNRESET, or an assertion on a socket ending mid-parse). The body is decoded here
// as a browser would; `content-length` stays what travelled.
const get = (url: string, encoding?: string) =>
  Effect.async<{ status: number; headers: Headers; body: Uint8Array }, Error>((resume) => {
    const req = Http.get(url, { agent: false, headers: encoding === undefined ? {} : { "accept-encoding": encoding } }, (res) => {
      const chunks: Array<Buffer> = []
      res.on("data", (chunk: Buffer) => chunks.push(chunk))
      res.on("error", (error) => resume(Effect.fail(error)))
      res.on("end", () => {
        const raw = Buffer.concat(chunks)
        const coding = res.headers["content-encoding"]
        const body = coding === "br" ? brotliDecompressSync(raw) : coding === "gzip" ? gunzipSync(raw) : raw
        const headers = new Headers()
        for (const [name, value] of Object.entries(res.headers)) {
          if (typeof value === "string") headers.set(name, value)
          else if (Array.isArray(value)) headers.set(name, value.join(", "))
        }
        resume(Effect.succeed({ status: res.statusCode ?? 0, headers, body: new Uint8Array(body) }))
      })
    })
    req.on("error", (error) => resume(Effect.fail(error)))
  })

const bootstrapOf = (html: string) => JSON.parse(/<script id="bootstrap" type="application\/json">(.*?)<\/script>/.exec(html)?.[1] ?? "null")

describe("web client serving", () => {
  it.scopedLive("index, client routes, assets with caching and compression", () =>
    Effect.gen(function* () {
      const { url } = yield* webNode("web_serving")
      const index = yield* get(`${url}/`)
      expect(index.status).toBe(200)
      expect(index.headers.get("cache-control")).toBe("no-cache")
      const html = new TextDecoder().decode(index.body)
      expect(bootstrapOf(html)).toEqual({ firstRun: true, registrationOpen: true })

      yield* request(url, "POST", "/api/v1/auth/register", { body: { username: "first", email: "first@example.com", password: "a long passphrase here" } })
      const after = yield* get(`${url}/movie/8a0f6c9e-1111-4222-8333-944455556666`)
      expect(after.status).toBe(200)
      expect(bootstrapOf(new TextDecoder().decode(after.body))).toEqual({ firstRun: false, registrationOpen: true })

      // The links of the server's mails open the client.
      expect((yield* get(`${url}/reset-password?token=abc`)).headers.get("content-type")).toContain("text/html")
      expect((yield* get(`${url}/verify-email?token=abc`)).headers.get("content-type")).toContain("text/html")

      const entry = /src="\/assets\/([^"]+\.js)"/.exec(html)?.[1] ?? ""
      const raw = new Uint8Array(yield* Effect.promise(() => Fs.readFile(Path.join(WEB_DIR, "assets", entry))))
      const br = yield* get(`${url}/assets/${entry}`, "gzip, deflate, br")
      expect(br.headers.get("content-encoding")).toBe("br")
      expect(br.headers.get("cache-control")).toBe("public, max-age=31536000, immutable")
      expect(br.headers.get("content-type")).toContain("text/javascript")
      // fetch decodes the body: it is the file, and what travelled was the precompressed form.
      expect(br.body).toEqual(raw)
      expect(Number(br.headers.get("content-length"))).toBe(brotliCompressSync(raw, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 11 } }).length)
      const gz = yield* get(`${url}/assets/${entry}`, "gzip")
      expect(gz.headers.get("content-encoding")).toBe("gzip")
      expect(gz.body).toEqual(raw)
      expect(Number(gz.headers.get("content-length"))).toBeLessThan(raw.length / 2)
      const plain = yield* get(`${url}/assets/${entry}`, "identity")
      expect(plain.headers.get("content-encoding")).toBeNull()
      expect(plain.body).toEqual(raw)

      expect((yield* get(`${url}/assets/missing-abc.js`)).status).toBe(404)
      expect((yield* get(`${url}/assets/..%2F..%2Fpackage.json`)).status).toBe(404)
      // The API keeps its own 404s: no index.html for unknown API paths.
      expect((yield* get(`${url}/api/v1/nothing-here`)).headers.get("content-type")).not.toContain("text/html")
    }))

  it.scopedLive("without a build, / is the page of links", () =>
    Effect.gen(function* () {
      const empty = yield* tempDir("ms-web-none-")
      const { url } = yield* webNode("web_unbuilt", { WEB_CLIENT_DIR: empty })
      const page = yield* get(`${url}/`)
      expect(page.status).toBe(200)
      expect(new TextDecoder().decode(page.body)).toContain("/api/docs")
    }))
})
