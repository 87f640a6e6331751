/**
 * Playback tests: a node with a movie library scanned and probed from real media, sessions over HTTP,
 * and a look at the ffmpeg processes of a session (by its transcode directory on their command line).
 */
import { type SqlClient } from "@effect/sql"
import { Duration, Effect, type Redacted, Schema } from "effect"
import * as Fs from "node:fs"
import * as Path from "node:path"
import { type Auth, type JsonResponse, read, request } from "./Http.js"
import { eventually } from "./Poll.js"
import { queryRows } from "./TestDatabase.js"
import { tempDir } from "./TempDir.js"
import { TestMedia } from "./TestMedia.js"
import { createLibrary, scanNow, tree } from "./LibraryNode.js"

export const Session = Schema.Struct({
  id: Schema.String,
  decision: Schema.Struct({ method: Schema.String, reasons: Schema.Array(Schema.String), profiles: Schema.Array(Schema.String) }),
  subtitles: Schema.Array(Schema.Struct({ id: Schema.Number, delivery: Schema.String, external: Schema.Boolean })),
  positionSeconds: Schema.Number,
  durationSeconds: Schema.Number,
  state: Schema.String,
  stopReason: Schema.NullOr(Schema.String),
  node: Schema.NullOr(Schema.String),
  urls: Schema.Struct({
    direct: Schema.NullOr(Schema.String),
    master: Schema.NullOr(Schema.String),
    signedDirect: Schema.optional(Schema.NullOr(Schema.String)),
    signedMaster: Schema.optional(Schema.NullOr(Schema.String))
  })
})
export type Session = typeof Session.Type

export { tempDir } from "./TempDir.js"

/** A 30 s H.264/AAC clip (320x180, a keyframe every 2 s) for seeking; made in about a second. */
export const longClip = (dir: string) =>
  Effect.gen(function* () {
    const out = Path.join(dir, "long.mp4")
    yield* TestMedia.exec(yield* TestMedia.ffmpegPath, [
      "-nostdin", "-hide_banner", "-loglevel", "error", "-y",
      "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25:duration=60", "-f", "lavfi", "-i", "sine=frequency=440:duration=60",
      "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-g", "50", "-keyint_min", "50", "-sc_threshold", "0",
      "-c:a", "aac", "-ac", "2", "-shortest", out
    ])
    return out
  })

/**
 * A 20 s H.264 (with B-frames) + AAC clip at 24 fps with a keyframe every `gop` frames, as real encodes
 * come (x264's default maximum interval is 250 frames: 10.4 s at 24 fps).
 */
export const keyframeClip = (dir: string, gop: number) =>
  Effect.gen(function* () {
    const out = Path.join(dir, `gop${gop}.mp4`)
    yield* TestMedia.exec(yield* TestMedia.ffmpegPath, [
      "-nostdin", "-hide_banner", "-loglevel", "error", "-y",
      "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=24:duration=20", "-f", "lavfi", "-i", "sine=frequency=440:duration=20",
      "-c:v", "libx264", "-preset", "veryfast", "-bf", "2", "-pix_fmt", "yuv420p", "-g", String(gop), "-keyint_min", String(gop),
      "-sc_threshold", "0", "-c:a", "aac", "-ac", "2", "-shortest", out
    ])
    return out
  })

/**
 * A movie library holding `files` (name -> source file) scanned and probed on the node at `url`;
 * returns the movie id of each name (`Name (2020)`).
 */
export const playableMovies = (
  url: string,
  auth: Auth,
  sql: SqlClient.SqlClient,
  files: Readonly<Record<string, string>>,
  extra: Readonly<Record<string, { readonly copyOf: string }>> = {}
) =>
  Effect.gen(function* () {
    const entries: Record<string, { readonly copyOf: string }> = { ...extra }
    for (const [name, source] of Object.entries(files)) {
      entries[`${name} (2020)/${name} (2020)${Path.extname(source)}`] = { copyOf: source }
    }
    const root = yield* tree(entries)
    const library = yield* createLibrary(url, auth, { name: "Movies", kind: "movie", paths: [root] })
    yield* scanNow(url, auth, library.id)
    const rows = yield* eventually(
      sql<{ title: string; id: string; probed: boolean }>`
        SELECT m.title, m.id, f.probe IS NOT NULL AS probed FROM movies m JOIN media_files f ON f.movie_id = m.id
      `,
      (rows) => rows.length === Object.keys(files).length && rows.every((r) => r.probed),
      { what: "movies probed", timeout: Duration.seconds(60), interval: Duration.millis(100) }
    )
    return { libraryId: library.id, movies: Object.fromEntries(rows.map((r) => [r.title, r.id])) }
  })

const created = (res: JsonResponse) =>
  res.status === 201 ? read(Session)(res) : Effect.die(`create session answered ${res.status}: ${JSON.stringify(res.body)}`)

export const createSession = (url: string, auth: Auth, body: Record<string, unknown>) =>
  Effect.flatMap(request(url, "POST", "/api/v1/playback/sessions", { auth, body }), created)

/**
 * The movie id of the long clip, in a movie library of its own, on a node started as a process
 * (`spawnNode`) on the database at `db` (where the id is read).
 */
export const longClipMovie = (url: string, auth: Auth, db: Redacted.Redacted<string>) =>
  Effect.gen(function* () {
    const media = yield* tempDir("ms-clip-")
    const root = yield* tree({ "Long (2020)/Long (2020).mp4": { copyOf: yield* longClip(media) } })
    const library = yield* createLibrary(url, auth, { name: "Movies", kind: "movie", paths: [root] })
    yield* scanNow(url, auth, library.id)
    const [movie] = yield* queryRows(db, "SELECT id FROM movies LIMIT 1")
    return typeof movie === "object" && movie !== null && "id" in movie ? String(movie.id) : ""
  })

/** A session on a movie scanned a moment ago: its file, not probed yet, is probed by the request (no 409 to wait out). */
export const movieSession = (url: string, auth: Auth, movie: string, client: Record<string, unknown>) =>
  Effect.flatMap(
    eventually(
      request(url, "POST", "/api/v1/playback/sessions", { auth, body: { item: { _tag: "movie", id: movie }, client } }),
      (r) => r.status !== 409,
      { what: "file probed", timeout: Duration.seconds(30), interval: Duration.millis(200) }
    ),
    created
  )

export const getSession = (url: string, auth: Auth, id: string) =>
  Effect.flatMap(request(url, "GET", `/api/v1/playback/sessions/${id}`, { auth }), read(Session))

export interface Fetched {
  readonly status: number
  readonly headers: Headers
  readonly bytes: Uint8Array
  readonly text: string
}

/** A raw GET (playlists, segments, files). */
export const fetchRaw = (url: string, path: string, auth: Auth, headers: Record<string, string> = {}) =>
  Effect.promise(async (): Promise<Fetched> => {
    const authHeaders: Record<string, string> = "token" in auth ? { authorization: `Bearer ${auth.token}` } : { "x-api-key": auth.apiKey }
    const res = await fetch(`${url}${path}`, { headers: { ...authHeaders, ...headers } })
    const bytes = new Uint8Array(await res.arrayBuffer())
    return { status: res.status, headers: res.headers, bytes, text: new TextDecoder().decode(bytes) }
  })

/** Pids of live ffmpeg processes whose command line mentions `needle` (a session's directory). */
export const ffmpegPids = (needle: string) =>
  Effect.sync(() =>
    Fs.readdirSync("/proc").filter((p) => /^\d+$/.test(p)).filter((pid) => {
      try {
        const cmd = Fs.readFileSync(`/proc/${pid}/cmdline`, "utf8")
        const state = Fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.[0]
        return cmd.includes("ffmpeg") && cmd.includes(needle) && state !== "Z"
      } catch {
        return false
      }
    }))

/** The process state letter of a pid (`T` = stopped, i.e. throttled). */
export const processState = (pid: string) =>
  Effect.sync(() => {
    try {
      return Fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.[0] ?? "?"
    } catch {
      return "gone"
    }
  })

/** `name` of the master or media playlist lines (URIs only). */
export const uris = (playlist: string) => playlist.split("\n").filter((l) => l !== "" && !l.startsWith("#"))

export const writeTemp = (dir: string, name: string, bytes: Uint8Array) =>
  Effect.sync(() => {
    const path = Path.join(dir, name)
    Fs.writeFileSync(path, bytes)
    return path
  })
