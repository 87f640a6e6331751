import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect, Schema } from "effect"
import { read, request } from "@mediaserver/testkit/Http"
import { eventually } from "@mediaserver/testkit/Poll"
import { createLibrary, libraryNode, scanNow, tree } from "@mediaserver/testkit/LibraryNode"

const Page = Schema.Struct({ items: Schema.Array(Schema.Struct({ title: Schema.String })), total: Schema.Number })
const Progress = Schema.Struct({ jobRunId: Schema.String, scope: Schema.String, total: Schema.Number, done: Schema.Number, finishedAt: Schema.NullOr(Schema.String) })
const Queued = Schema.Struct({ jobRunId: Schema.String, scope: Schema.String })

describe("search on a whole node", () => {
  it.scopedLive("a scan's items are found as soon as it wrote them; reindex runs as a job reporting its progress", () =>
    Effect.gen(function* () {
      const { admin, sql, url } = yield* libraryNode("search_reindex")
      const root = yield* tree({ "Amélie (2001).mkv": "", "Heat (1995).mkv": "", "Spirited Away (2001)/Spirited Away (2001).mkv": "" })
      const library = yield* createLibrary(url, admin, { name: "Movies", kind: "movie", paths: [root] })
      expect((yield* scanNow(url, admin, library.id)).status).toBe("completed")
      const search = (q: string) => Effect.flatMap(request(url, "GET", `/api/v1/search/movies?q=${encodeURIComponent(q)}`, { auth: admin }), read(Page))
      expect((yield* search("amelie")).items.map((m) => m.title)).toEqual(["Amélie"])
      expect((yield* search("spirted")).items[0]?.title).toBe("Spirited Away")

      const queued = yield* request(url, "POST", "/api/v1/search/reindex", { auth: admin })
      expect(queued.status).toBe(202)
      const run = yield* read(Queued)(queued)
      expect(run.scope).toBe("all")
      const progress = (id: string) => request(url, "GET", `/api/v1/search/reindex/${id}`, { auth: admin })
      const finished = yield* eventually(
        Effect.flatMap(progress(run.jobRunId), (res) => (res.status === 200 ? Effect.map(read(Progress)(res), (p) => p.finishedAt === null ? null : p) : Effect.succeed(null))),
        (p) => p !== null,
        { timeout: Duration.seconds(60), what: "the reindex run to finish" }
      )
      const counts = yield* sql<{ n: number }>`SELECT ((SELECT count(*) FROM movies) + (SELECT count(*) FROM series) + (SELECT count(*) FROM episodes) + (SELECT count(*) FROM people))::int AS n`
      expect(finished?.total).toBe(counts[0]?.n)
      expect(finished?.done).toBe(finished?.total)
      expect((yield* search("amelie")).total).toBe(1)
      expect((yield* progress("no-such-run")).status).toBe(404)
    }))
})
