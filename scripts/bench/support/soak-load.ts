/**
 * The mixed load of the soak: browsing clients, playback sessions reading every HLS segment of a clip,
 * periodic library scans and a stream of jobs. Each loop runs until `stop` is set, then finishes what
 * it is doing (a session is always ended with DELETE), so no work is cut off half way.
 * Every request that does not get the answer it expects counts as an error (with its description).
 */
import { Duration, Effect, Either, Ref, Schema } from "effect"

export interface Tally {
  requests: number
  errors: number
  /** How often each kind of failure happened (ids and numbers masked, so alike failures add up). */
  readonly kinds: Map<string, number>
}

export const makeTally = (): Tally => ({ requests: 0, errors: 0, kinds: new Map() })

/** The most frequent kinds of failure, for the progress output. */
export const failureKinds = (tally: Tally) =>
  [...tally.kinds.entries()].sort((a, b) => b[1] - a[1]).slice(0, 10).map(([kind, n]) => `${n} x ${kind}`)

export interface Client {
  readonly url: string
  readonly token: string
  readonly tally: Tally
}

interface Answer {
  readonly status: number
  readonly text: string
  readonly bytes: number
}

const failed = (tally: Tally, what: string) => {
  tally.errors++
  const kind = what.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, "ID").replace(/\d+/g, "N").slice(0, 300)
  // Bounded: past 100 kinds, new ones are only counted.
  if (tally.kinds.has(kind) || tally.kinds.size < 100) tally.kinds.set(kind, (tally.kinds.get(kind) ?? 0) + 1)
}

/** One request; `expect` lists the statuses that are success. Never fails: a miss is counted. */
export const call = (client: Client, method: string, path: string, expect: ReadonlyArray<number>, body?: unknown) =>
  Effect.promise(async (): Promise<Answer | undefined> => {
    client.tally.requests++
    try {
      const res = await fetch(`${client.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${client.token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(30_000)
      })
      const buffer = new Uint8Array(await res.arrayBuffer())
      const answer = { status: res.status, text: new TextDecoder().decode(buffer.subarray(0, 64 * 1024)), bytes: buffer.length }
      if (!expect.includes(res.status)) failed(client.tally, `${method} ${path}: ${res.status} ${answer.text.slice(0, 200)}`)
      return expect.includes(res.status) ? answer : undefined
    } catch (cause) {
      failed(client.tally, `${method} ${path}: ${String(cause)}`)
      return undefined
    }
  })

export const decode = <A, I>(client: Client, what: string, schema: Schema.Schema<A, I>) => (answer: Answer | undefined) => {
  if (answer === undefined) return undefined
  const decoded = Schema.decodeUnknownEither(Schema.parseJson(schema))(answer.text)
  if (Either.isRight(decoded)) return decoded.right
  failed(client.tally, `${what}: unexpected body ${decoded.left.message.slice(0, 200)}`)
  return undefined
}

/** Runs `step` again and again until `stop` holds (checked between steps). */
export const until = (stop: Ref.Ref<boolean>, step: Effect.Effect<void>) =>
  Effect.gen(function* () {
    while (!(yield* Ref.get(stop))) yield* step
  })

const MoviePage = Schema.Struct({
  items: Schema.Array(Schema.Struct({ id: Schema.String, title: Schema.String })),
  nextCursor: Schema.NullOr(Schema.String)
})

/** A browsing client: pages through the movie list, opens a few titles, searches; a short pause between requests. */
export const browse = (client: Client, pause: Duration.Duration) =>
  Effect.gen(function* () {
    let cursor: string | null = null
    let pages = 0
    do {
      const query: string = `/api/v1/movies?limit=48&sort=title&order=asc${cursor === null ? "" : `&cursor=${encodeURIComponent(cursor)}`}`
      const page = decode(client, "movie page", MoviePage)(yield* call(client, "GET", query, [200]))
      if (page === undefined) return
      const pick = page.items[pages % Math.max(1, page.items.length)]
      if (pick !== undefined) {
        yield* Effect.sleep(pause)
        yield* call(client, "GET", `/api/v1/movies/${pick.id}`, [200])
        yield* Effect.sleep(pause)
        yield* call(client, "GET", `/api/v1/search/multi?q=${encodeURIComponent(pick.title.slice(0, 8))}`, [200])
      }
      yield* Effect.sleep(pause)
      cursor = page.nextCursor
      pages++
    } while (cursor !== null)
  })

const Created = Schema.Struct({ id: Schema.String, urls: Schema.Struct({ master: Schema.NullOr(Schema.String) }) })

/** URIs of a playlist (its lines that are not tags or blank), resolved against the playlist's own path. */
export const uris = (playlistPath: string, text: string) =>
  text.split("\n").map((l) => l.trim()).filter((l) => l !== "" && !l.startsWith("#")).map((uri) => {
    const resolved = new URL(uri, `http://host${playlistPath}`)
    return `${resolved.pathname}${resolved.search}`
  })

/**
 * One playback session from start to end: created for `client`, master and media playlist read, every
 * segment read in order with `pause` between (a player's pace), a heartbeat, then stopped.
 */
export const play = (client: Client, movieId: string, capabilities: Record<string, unknown>, pause: Duration.Duration) =>
  Effect.gen(function* () {
    const session = decode(client, "session", Created)(
      yield* call(client, "POST", "/api/v1/playback/sessions", [201], { item: { _tag: "movie", id: movieId }, client: capabilities, startSeconds: 0 })
    )
    if (session === undefined) return
    const master = session.urls.master
    if (master === null) {
      failed(client.tally, "session without an HLS master playlist")
    } else {
      const variants = uris(master, (yield* call(client, "GET", master, [200]))?.text ?? "")
      const variant = variants[0]
      const segments = variant === undefined ? [] : uris(variant, (yield* call(client, "GET", variant, [200]))?.text ?? "")
      if (segments.length === 0) failed(client.tally, `no segments in ${variant ?? "the master playlist"}`)
      for (const [i, segment] of segments.entries()) {
        const answer = yield* call(client, "GET", segment, [200])
        if (answer !== undefined && answer.bytes === 0) failed(client.tally, `empty segment ${segment}`)
        if (i === 1) yield* call(client, "POST", `/api/v1/playback/sessions/${session.id}/heartbeat`, [200], { positionSeconds: 2, paused: false })
        yield* Effect.sleep(pause)
      }
    }
    yield* call(client, "DELETE", `/api/v1/playback/sessions/${session.id}`, [200, 204])
  })

const ScanState = Schema.Struct({ items: Schema.Array(Schema.Struct({ status: Schema.String })) })

/** A scan of the library unless one is running. */
export const scan = (client: Client, libraryId: string) =>
  Effect.gen(function* () {
    const scans = decode(client, "scans", ScanState)(yield* call(client, "GET", `/api/v1/libraries/${libraryId}/scans`, [200]))
    if (scans === undefined || scans.items.some((s) => s.status === "running")) return
    yield* call(client, "POST", `/api/v1/libraries/${libraryId}/scan`, [200, 201, 202])
  })

/** Scheduled jobs run now, one after the other (each a real job run through the engine). */
export const JOB_SCHEDULES = ["playback.health", "events.cleanup", "statistics.aggregate", "activity.cleanup", "scan_history.cleanup"] as const

export const runJob = (client: Client, index: number) =>
  Effect.asVoid(call(client, "POST", `/api/v1/admin/jobs/schedules/${JOB_SCHEDULES[index % JOB_SCHEDULES.length]}`, [201]))
