import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect, Schema } from "effect"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { account, read, request } from "@mediaserver/testkit/Http"
import { createLibrary, scanNow, tree } from "@mediaserver/testkit/LibraryNode"
import { spawnNode, waitFor200 } from "@mediaserver/testkit/NodeProcess"

const Page = Schema.Struct({ items: Schema.Array(Schema.Struct({ title: Schema.String })), total: Schema.Number })
const Multi = Schema.Struct({ movies: Schema.Array(Schema.Struct({ title: Schema.String })) })

describe("search on the embedded default (PGlite)", () => {
  it.scopedLive("the search migration, its triggers and its queries work on PGlite: a scan's movies are found by typo, accent and prefix", () =>
    Effect.gen(function* () {
      const dataDir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "ms-search-embedded-"))
      yield* Effect.addFinalizer(() => Effect.sync(() => Fs.rmSync(dataDir, { recursive: true, force: true })))
      const node = yield* spawnNode({ DATA_DIR: dataDir })
      yield* waitFor200(node, "/readyz", Duration.seconds(240))
      const admin = (yield* account(node.url, "admin")).auth
      const root = yield* tree({ "Amélie (2001).mkv": "", "Spirited Away (2001).mkv": "", "Heat (1995).mkv": "" })
      const library = yield* createLibrary(node.url, admin, { name: "Movies", kind: "movie", paths: [root] })
      expect((yield* scanNow(node.url, admin, library.id)).status).toBe("completed")
      const search = (path: string) => Effect.flatMap(request(node.url, "GET", path, { auth: admin }), read(Page))
      expect((yield* search("/api/v1/search/movies?q=amelie")).items.map((m) => m.title)).toEqual(["Amélie"])
      expect((yield* search("/api/v1/search/movies?q=spirted")).items[0]?.title).toBe("Spirited Away")
      const facets = yield* Effect.flatMap(request(node.url, "GET", "/api/v1/search/movies/facets?q=heat", { auth: admin }), read(Schema.Struct({ total: Schema.Number })))
      expect(facets.total).toBe(1)
      const multi = yield* Effect.flatMap(request(node.url, "GET", "/api/v1/search/multi?q=hea", { auth: admin }), read(Multi))
      expect(multi.movies[0]?.title).toBe("Heat")
    }), 420_000)
})
