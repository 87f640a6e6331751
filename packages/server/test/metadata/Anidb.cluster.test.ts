/**
 * AniDB's rule holds for the whole installation: two nodes (each its own database pool, HTTP client
 * and per-node limiter) on one database fetching at once never send two requests closer than 2 s
 * (the fake AniDB records arrival times), an anime one node fetched is not asked again by the other,
 * a ban pauses both, and the same shared slot works on the embedded database (PGlite).
 */
import { describe, expect, it } from "@effect/vitest"
import { ExternalIds, type ProviderError } from "@mediaserver/domain"
import { ConfigProvider, Duration, Effect, Either, Layer, Option, Redacted } from "effect"
import * as Fs from "node:fs/promises"
import * as Os from "node:os"
import * as Path from "node:path"
import { gzipSync } from "node:zlib"
import { AppConfig } from "../../src/config/AppConfig.js"
import { DatabaseLive } from "../../src/db/Database.js"
import providerSlots from "../../src/db/migrations/0085_provider_slots.js"
import { ProviderHttp } from "../../src/metadata/provider/ProviderHttp.js"
import { makeSharedSlot } from "../../src/metadata/provider/SharedSlot.js"
import { makeAnidb } from "../../src/metadata/providers/Anidb.js"
import { FakeHttp, readFixture } from "@mediaserver/testkit/FakeHttp"
import { databaseLayer } from "@mediaserver/testkit/DatabaseLayer"
import { migratedDatabase } from "@mediaserver/testkit/MigratedDatabase"

const CLIENT = "mediaservertest"
const access = { key: Effect.succeed(Option.some(CLIENT)), refused: <A, R>(e: Effect.Effect<A, ProviderError, R>) => e }

/** One node: its own pool on the database and its own provider HTTP client. */
const node = (url: string, anidbUrl: string) =>
  Effect.gen(function* () {
    const config = AppConfig.layerWith({
      anidb: { apiKey: Option.some(Redacted.make(CLIENT)), baseUrl: `${anidbUrl}/httpapi`, rateLimit: 1, timeout: Duration.seconds(5) },
      anidbImageBaseUrl: `${anidbUrl}/cdn`,
      anidbTitlesUrl: `${anidbUrl}/api/anime-titles.xml.gz`,
      anidbBanPause: Duration.hours(1)
    })
    const context = yield* Layer.build(Layer.mergeAll(ProviderHttp.layer.pipe(Layer.provide(config)), config, databaseLayer(url)))
    return yield* Effect.provide(makeAnidb(access), context)
  })

describe("AniDB across nodes", () => {
  it.scopedLive("two nodes at once: one request per 2 s in all, each anime asked once, a ban pauses both", () =>
    Effect.gen(function* () {
      const xml = yield* readFixture("anidb/anime_9541.xml")
      const arrivals: Array<{ readonly aid: string; readonly at: number }> = []
      const server = yield* FakeHttp.make([
        {
          method: "GET", path: "/httpapi", match: { query: { request: "anime", client: CLIENT, clientver: "1", protover: "1" } },
          response: (request) => {
            const aid = request.query["aid"] ?? ""
            arrivals.push({ aid, at: Date.now() })
            const body = aid === "666" ? "<error>Anime not found</error>" : aid === "777" ? "<error code=\"500\">banned</error>" : xml.replace("<anime id=\"9541\"", `<anime id="${aid}"`)
            return { headers: { "content-type": "text/xml", "content-encoding": "gzip" }, body: new Uint8Array(gzipSync(body)) }
          }
        }
      ])
      const db = yield* migratedDatabase("anidb")
      const url = Redacted.value(db.url)
      const [a, b] = yield* Effect.all([node(url, server.url), node(url, server.url)])
      const lookup = { language: "en" }
      // Both nodes refresh at once, 9541 on both.
      const [fromA, fromB] = yield* Effect.all([
        Effect.all([a.tv("9541", lookup), a.tv("101", lookup)], { concurrency: "unbounded" }),
        Effect.all([b.tv("102", lookup), b.tv("9541", lookup), b.tv("666", lookup).pipe(Effect.either)], { concurrency: "unbounded" })
      ], { concurrency: "unbounded" })
      expect(fromA.map((s) => [s.id, s.title])).toEqual([["9541", "Attack on Titan"], ["101", "Attack on Titan"]])
      expect(fromB[1]?.externalIds).toMatchObject({ anidb: "9541", mal: "16498" })
      expect(Either.getLeft(fromB[2] ?? Either.right(null))).toMatchObject(Option.some({ _tag: "ProviderRejected", reason: "not_found" }))
      expect(arrivals.map((r) => r.aid).sort()).toEqual(["101", "102", "666", "9541"])
      const gaps = arrivals.slice(1).map((r, i) => r.at - (arrivals[i]?.at ?? 0))
      expect(Math.min(...gaps)).toBeGreaterThanOrEqual(2_000)
      // Kept a day for every node: asked again, nothing is sent.
      expect((yield* b.tv("101", { language: "ja" })).title).toBe("進撃の巨人")
      expect(arrivals.length).toBe(4)

      // A ban: every node stops at once (the next slot is an hour away), retryable after it.
      const banned = yield* Effect.flip(a.tv("777", lookup))
      expect(banned).toMatchObject({ _tag: "ProviderUnavailable", retryAfterMs: 3_600_000 })
      const after = yield* Effect.flip(b.tv("103", lookup))
      expect(after._tag).toBe("ProviderUnavailable")
      expect(after._tag === "ProviderUnavailable" ? after.retryAfterMs ?? 0 : 0).toBeGreaterThan(3_500_000)
      expect(arrivals.map((r) => r.aid)).not.toContain("103")
    }), { timeout: 60_000 })

  it.scopedLive("an anime's title through AniDB's title dump, downloaded once a day for every node", () =>
    Effect.gen(function* () {
      const dump = new Uint8Array(gzipSync(yield* readFixture("anidb/anime-titles.xml")))
      const server = yield* FakeHttp.make([{ method: "GET", path: "/api/anime-titles.xml.gz", response: { body: dump, headers: { "content-type": "application/gzip" } } }])
      const db = yield* migratedDatabase("anidbtitles")
      const url = Redacted.value(db.url)
      const [a, b] = yield* Effect.all([node(url, server.url), node(url, server.url)])
      const anime = (title: string) => ({ title, year: 2013, originalLanguage: "ja" })
      const none = new ExternalIds({ tmdb: "1429", imdb: null, tvdb: null, wikidata: null })
      // Official titles before synonyms (the OVA's synonym does not make it doubtful); normalised ("進撃の巨人", punctuation).
      expect(yield* a.resolveId(none, "tv", anime("Attack on Titan"))).toEqual(Option.some("9541"))
      expect(yield* b.resolveId(none, "tv", anime("shingeki no kyojin!"))).toEqual(Option.some("9541"))
      expect(yield* b.resolveId(none, "tv", anime("進撃の巨人"))).toEqual(Option.some("9541"))
      // Two anime of that title: no match rather than a guess; an unknown title none; not an anime: not looked up.
      expect(yield* a.resolveId(none, "tv", anime("Hunter x Hunter"))).toEqual(Option.none())
      expect(yield* a.resolveId(none, "tv", anime("Breaking Bad"))).toEqual(Option.none())
      expect(yield* a.resolveId(none, "tv", { ...anime("Attack on Titan"), originalLanguage: "en" })).toEqual(Option.none())
      expect((yield* server.requests).length).toBe(1)
    }), { timeout: 60_000 })

  it.scopedLive("the shared slot on the embedded database", () =>
    Effect.gen(function* () {
      const dataDir = yield* Effect.acquireRelease(
        Effect.promise(() => Fs.mkdtemp(Path.join(Os.tmpdir(), "ms-anidb-slot-"))),
        (dir) => Effect.promise(() => Fs.rm(dir, { recursive: true, force: true }))
      )
      const embedded = DatabaseLive.pipe(
        Layer.provide(AppConfig.layer),
        Layer.provide(Layer.setConfigProvider(ConfigProvider.fromMap(new Map([["DATA_DIR", dataDir]]))))
      )
      const context = yield* Layer.build(embedded)
      // Only the slots' migration: the others are not what this checks (and take seconds on PGlite).
      yield* Effect.provide(providerSlots, context)
      const [one, two] = yield* Effect.provide(Effect.all([
        makeSharedSlot("anidb", Duration.millis(300), Duration.seconds(1)),
        makeSharedSlot("anidb", Duration.millis(300), Duration.seconds(1))
      ]), context)
      const times: Array<number> = []
      const take = (slot: typeof one) => Effect.zipRight(slot.take, Effect.sync(() => times.push(Date.now())))
      yield* Effect.all([take(one), take(two), take(one), take(two)], { concurrency: "unbounded" })
      times.sort((x, y) => x - y)
      expect(Math.min(...times.slice(1).map((t, i) => t - (times[i] ?? 0)))).toBeGreaterThanOrEqual(250)
      // Slots further than the longest wait (1 s) are refused with their wait instead of queued.
      const results = yield* Effect.all(Array.from({ length: 6 }, (_, i) => Effect.either(i % 2 === 0 ? one.take : two.take)), { concurrency: "unbounded" })
      const refused = results.flatMap((r) => (Either.isLeft(r) ? [r.left] : []))
      expect(refused.length).toBeGreaterThanOrEqual(2)
      expect(refused[0]).toMatchObject({ _tag: "ProviderUnavailable", retryAfterMs: expect.any(Number) })
    }), { timeout: 60_000 })
})
