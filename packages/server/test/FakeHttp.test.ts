import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit, Schema, Scope } from "effect"
import { envelope, FakeHttp, fixture, fixtureRoutes, readFixtureJson } from "@mediaserver/testkit/FakeHttp"

interface Reply {
  readonly status: number
  readonly headers: Headers
  readonly text: string
}

const call = (url: string, init?: RequestInit): Effect.Effect<Reply> =>
  Effect.promise(async () => {
    const response = await fetch(url, init)
    return { status: response.status, headers: response.headers, text: await response.text() }
  })

const json = (reply: Reply): unknown => Schema.decodeUnknownSync(Schema.parseJson())(reply.text)

describe("FakeHttp", () => {
  it.scopedLive("serves a fixture and records the request", () =>
    Effect.gen(function*() {
      const server = yield* FakeHttp.make([
        { method: "GET", path: "/api/v3/movie/1", response: { body: fixture("radarr/GET_api_v3_movie_1.json") } }
      ])
      const reply = yield* call(`${server.url}/api/v3/movie/1?apikey=k`, { headers: { "X-Api-Key": "secret" } })
      expect(reply.status).toBe(200)
      expect(reply.headers.get("content-type")).toContain("application/json")
      expect(json(reply)).toEqual(yield* readFixtureJson("radarr/GET_api_v3_movie_1.json"))

      yield* call(`${server.url}/api/v3/command`, { method: "POST", body: JSON.stringify({ name: "RefreshMovie" }) })
      const [get, post] = yield* server.requests
      expect(get).toMatchObject({ method: "GET", path: "/api/v3/movie/1", query: { apikey: "k" }, body: "" })
      expect(get?.headers["x-api-key"]).toBe("secret")
      expect(post).toMatchObject({ method: "POST", path: "/api/v3/command", body: "{\"name\":\"RefreshMovie\"}" })
    }))

  it.scopedLive("answers 429 with Retry-After `times` times, then falls through", () =>
    Effect.gen(function*() {
      const server = yield* FakeHttp.make([
        { method: "GET", path: "/3/movie/:id", times: 2, response: { status: 429, headers: { "Retry-After": "1" } } },
        { method: "GET", path: "/3/movie/:id", response: (_req, params) => ({ body: { id: Number(params["id"]) } }) }
      ])
      const replies = yield* Effect.forEach([1, 2, 3], () => call(`${server.url}/3/movie/603`))
      expect(replies.map((r) => r.status)).toEqual([429, 429, 200])
      expect(replies[0]?.headers.get("retry-after")).toBe("1")
      expect(replies[2]?.text).toBe(JSON.stringify({ id: 603 }))
    }))

  it.scopedLive("serves an envelope fixture with its status and headers", () =>
    Effect.gen(function*() {
      const server = yield* FakeHttp.make([
        { method: "*", path: "*", response: envelope("tmdb/ERROR_429_rate_limited.json", { headers: { "Retry-After": "2" } }) }
      ])
      const reply = yield* call(`${server.url}/3/search/movie?query=x`)
      expect(reply.status).toBe(429)
      expect(reply.headers.get("retry-after")).toBe("2")
      expect(json(reply)).toMatchObject({ success: false, status_code: 25 })
    }))

  it.scopedLive("delays the answer", () =>
    Effect.gen(function*() {
      const server = yield* FakeHttp.make([{ method: "GET", path: "/slow", response: { body: "ok", delayMs: 250 } }])
      const started = Date.now()
      const reply = yield* call(`${server.url}/slow`)
      expect(Date.now() - started).toBeGreaterThanOrEqual(240)
      expect(reply.text).toBe("ok")
    }))

  it.scopedLive("answers 404 JSON for unmatched requests", () =>
    Effect.gen(function*() {
      const server = yield* FakeHttp.make([{ method: "GET", path: "/a", response: { body: 1 } }])
      const reply = yield* call(`${server.url}/b?x=1`, { method: "DELETE" })
      expect(reply.status).toBe(404)
      expect(json(reply)).toEqual({ error: "no fake route", method: "DELETE", path: "/b" })
    }))

  it.scopedLive("changes behaviour with addRoute, setRoutes and reset", () =>
    Effect.gen(function*() {
      const server = yield* FakeHttp.make([{ method: "GET", path: "/x", response: { body: "first" } }])
      yield* server.addRoute({ method: "GET", path: "/x", response: { body: "added" } })
      expect((yield* call(`${server.url}/x`)).text).toBe("added")
      yield* server.setRoutes([{ method: "GET", path: "/x", response: { status: 503 } }])
      expect((yield* call(`${server.url}/x`)).status).toBe(503)
      yield* server.reset
      expect(yield* server.requests).toEqual([])
      expect((yield* call(`${server.url}/x`)).text).toBe("first")
    }))

  it.live("closes when its scope closes", () =>
    Effect.gen(function*() {
      const scope = yield* Scope.make()
      const server = yield* FakeHttp.make([{ method: "GET", path: "/", response: { body: "up" } }]).pipe(
        Scope.extend(scope)
      )
      expect((yield* call(server.url)).text).toBe("up")
      yield* Scope.close(scope, Exit.void)
      const after = yield* Effect.tryPromise(() => fetch(server.url)).pipe(Effect.either)
      expect(after._tag).toBe("Left")
    }))

  it.scopedLive("maps fixture file names to routes", () =>
    Effect.gen(function*() {
      const radarr = yield* FakeHttp.make(yield* fixtureRoutes("radarr"))
      expect((yield* call(`${radarr.url}/api/v3/movie/1`)).status).toBe(200)
      expect((yield* call(`${radarr.url}/api/v3/movie/999`)).status).toBe(404)
      expect(json(yield* call(`${radarr.url}/api/v3/moviefile?movieId=1`))).toBeInstanceOf(Array)
      expect(json(yield* call(`${radarr.url}/api/v3/command/1234`))).toMatchObject({ status: "completed" })
      const posted = yield* call(`${radarr.url}/api/v3/command`, {
        method: "POST",
        body: JSON.stringify({ name: "RefreshMovie", movieIds: [1] })
      })
      expect(posted.status).toBe(201)
      expect(json(posted)).toMatchObject({ id: 1234, name: "RefreshMovie", status: "queued" })
      const other = yield* call(`${radarr.url}/api/v3/command`, { method: "POST", body: "{\"name\":\"Nope\"}" })
      expect(other.status).toBe(404)

      const sonarr = yield* FakeHttp.make(yield* fixtureRoutes("sonarr"))
      expect(json(yield* call(`${sonarr.url}/api/v3/episode?seriesId=1`))).toEqual(
        yield* readFixtureJson("sonarr/GET_api_v3_episode_seriesId_1.json")
      )
      expect(json(yield* call(`${sonarr.url}/api/v3/episode?seriesId=1&includeEpisodeFile=true`))).toEqual(
        yield* readFixtureJson("sonarr/GET_api_v3_episode_seriesId_1_includeEpisodeFile.json")
      )

      const tmdbRoutes = yield* fixtureRoutes("tmdb")
      expect(tmdbRoutes.some((route) => route.path.includes("invalid"))).toBe(false)
      const tmdb = yield* FakeHttp.make(tmdbRoutes)
      const matrix = json(yield* call(`${tmdb.url}/3/search/movie?query=The%20Matrix&page=1`))
      expect(matrix).toMatchObject({ results: expect.arrayContaining([expect.objectContaining({ id: 603 })]) })
      expect(json(yield* call(`${tmdb.url}/3/search/movie?query=zzz`))).toMatchObject({ total_results: 0 })
      expect((yield* call(`${tmdb.url}/3/tv/1396/season/1/episode/1`)).status).toBe(200)
      expect((yield* call(`${tmdb.url}/3/genre/movie/list`)).status).toBe(200)
    }))
})
