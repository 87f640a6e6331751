/**
 * One playback session held open by a benchmark: created, its playlists read, then segments fetched one
 * at a time by index (through any node), e.g. before and after the node running it dies.
 */
import { Effect, Schema } from "effect"
import { BenchIncomplete } from "../report.js"
import { call, type Client, decode, uris } from "./soak-load.js"

const Created = Schema.Struct({ id: Schema.String, urls: Schema.Struct({ master: Schema.NullOr(Schema.String) }) })
const Current = Schema.Struct({ node: Schema.NullOr(Schema.String) })

export interface OpenSession {
  readonly id: string
  readonly segments: ReadonlyArray<string>
}

export const openSession = (client: Client, movieId: string, capabilities: Record<string, unknown>) =>
  Effect.gen(function* () {
    const created = decode(client, "session", Created)(
      yield* call(client, "POST", "/api/v1/playback/sessions", [201], { item: { _tag: "movie", id: movieId }, client: capabilities, startSeconds: 0 })
    )
    const master = created?.urls.master ?? null
    if (created === undefined || master === null) return yield* new BenchIncomplete({ message: "no HLS session" })
    const variant = uris(master, (yield* call(client, "GET", master, [200]))?.text ?? "")[0] ?? ""
    const segments = uris(variant, (yield* call(client, "GET", variant, [200]))?.text ?? "")
    if (segments.length === 0) return yield* new BenchIncomplete({ message: "the session's playlist has no segments" })
    return { id: created.id, segments } satisfies OpenSession
  })

/** The runner (host:port) whose entity last served the session; null before its first playlist. */
export const sessionNode = (client: Client, session: OpenSession) =>
  Effect.map(call(client, "GET", `/api/v1/playback/sessions/${session.id}`, [200]), (answer) =>
    decode(client, "session", Current)(answer)?.node ?? null)

/** Segment `index` (modulo the count); true when served with bytes. Failures are counted in the client's tally. */
export const readSegment = (client: Client, session: OpenSession, index: number) =>
  Effect.map(call(client, "GET", session.segments[index % session.segments.length] ?? "", [200]), (answer) => answer !== undefined && answer.bytes > 0)
