/**
 * A fake TMDb on 127.0.0.1: the fixtures of tmdb/, a few small answers the fixtures
 * lack (similar, collection, person search), and an image host answering every `/t/p/original/...`
 * with a small JPEG made here (its configuration names it as the image host). `env` points a node at it.
 */
import { Effect } from "effect"
import sharp from "sharp"
import { FakeHttp, fixtureRoutes, readFixture, type Route } from "./FakeHttp.js"

export const API_KEY = "test-tmdb-key"

/** A 600x900 JPEG (a poster's shape). */
export const posterJpeg = Effect.promise(() =>
  sharp({ create: { width: 600, height: 900, channels: 3, background: { r: 200, g: 40, b: 40 } } }).jpeg().toBuffer()
).pipe(Effect.map((buffer) => new Uint8Array(buffer)))

const searchBody = (results: ReadonlyArray<Record<string, unknown>>) => ({ page: 1, total_pages: 1, total_results: results.length, results })

export const extraRoutes: ReadonlyArray<Route> = [
  {
    method: "GET",
    path: "/3/movie/603/similar",
    response: { body: searchBody([{ id: 604, title: "The Matrix Reloaded", release_date: "2003-05-15" }]) }
  },
  {
    method: "GET",
    path: "/3/movie/603/recommendations",
    response: { body: searchBody([{ id: 605, title: "The Matrix Revolutions", release_date: "2003-11-05" }]) }
  },
  {
    method: "GET",
    path: "/3/collection/2344",
    response: { body: { id: 2344, name: "The Matrix Collection", overview: "The trilogy.", poster_path: "/bV9qTVHTVf0gkW0j7p7M0ILD4pG.jpg", backdrop_path: null, parts: [{ id: 603, title: "The Matrix", release_date: "1999-03-31" }] } }
  },
  {
    method: "GET",
    path: "/3/search/person",
    match: { query: { query: "Keanu Reeves" } },
    response: { body: searchBody([{ id: 6384, name: "Keanu Reeves", profile_path: "/4D0PpNI0kmP58hgrwGC3wCjxhnm.jpg", popularity: 52.7 }]) }
  }
]

export const fakeTmdb = (first: ReadonlyArray<Route> = []) =>
  Effect.gen(function* () {
    const jpeg = yield* posterJpeg
    const fixtures = yield* Effect.orDie(fixtureRoutes("tmdb"))
    const image: Route = { method: "GET", path: "/t/p/original/*", response: { body: jpeg, headers: { "content-type": "image/jpeg" } } }
    const server = yield* FakeHttp.make([...first, ...extraRoutes, image, ...fixtures])
    // TMDb's configuration, naming this server as the image host (nodes read the image base from it).
    const configuration = (yield* Effect.orDie(readFixture("tmdb/GET_3_configuration.json")))
      .replaceAll("https://image.tmdb.org/t/p/", `${server.url}/t/p/`)
    yield* server.addRoute({ method: "GET", path: "/3/configuration", response: { body: configuration, headers: { "content-type": "application/json" } } })
    const env = { TMDB_API_KEY: API_KEY, TMDB_BASE_URL: `${server.url}/3` }
    return { server, env, jpeg }
  })
