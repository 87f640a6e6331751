import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Redacted, Tracer } from "effect"
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Images } from "../../src/metadata/Images.js"
import { ImagesRepo } from "../../src/metadata/ImagesRepo.js"
import { Storage } from "../../src/storage/Storage.js"
import { freshDatabase } from "@mediaserver/testkit/TestDatabase"
import { testNode } from "@mediaserver/testkit/TestServer"

const tempDir = Effect.acquireRelease(
  Effect.promise(() => mkdtemp(join(tmpdir(), "ms-images-"))),
  (dir) => Effect.promise(() => rm(dir, { recursive: true, force: true }))
)

/** The tracer in use, noting the SQL statements run under it (every query is an `sql.execute` span). */
const statementsOf = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function* () {
    const spans: Array<Tracer.Span> = []
    const inner = yield* Effect.tracer
    const noting = Tracer.make({
      span: (name, parent, context, links, startTime, kind, options) => {
        const span = inner.span(name, parent, context, links, startTime, kind, options)
        if (name === "sql.execute") spans.push(span)
        return span
      },
      context: inner.context
    })
    // Nodes without an OTLP endpoint make no spans: turn them on for this effect only.
    const result = yield* Effect.withTracer(effect, noting).pipe(Effect.withTracerEnabled(true))
    // The statement text is set on the span once compiled.
    return { result, statements: spans.map((span) => String(span.attributes.get("db.query.text") ?? "")) }
  })

describe("images serve", () => {
  it.scopedLive("a stored image is served with one read of its row", () =>
    Effect.gen(function* () {
      const db = yield* freshDatabase("img")
      const node = yield* Layer.build(testNode({ DATABASE_URL: Redacted.value(db.url), DATA_DIR: yield* tempDir }, Layer.empty))
      const bytes = new Uint8Array([1, 2, 3, 4])
      const hash = "ab".repeat(32)
      yield* Effect.gen(function* () {
        const repo = yield* ImagesRepo
        yield* repo.record("tmdb", [{ path: "/poster.jpg", kind: "poster" }])
        yield* repo.stored("/poster.jpg", { hash, contentType: "image/jpeg", width: 1, height: 1, size: bytes.byteLength })
        yield* (yield* Storage).put(`images/original/ab/${hash}`, bytes)
      }).pipe(Effect.provide(node))

      const images = yield* Effect.provide(Images, node)
      const { result, statements } = yield* statementsOf(images.serve("poster", "/poster.jpg", "original", "image/jpeg"))
      expect(result.bytes).toEqual(bytes)
      expect(statements.filter((s) => s.includes("images"))).toHaveLength(1)
    }))
})
