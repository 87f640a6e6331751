/** Messages between a benchmark and its child processes (checked with Schema on both ends). */
import { Schema } from "effect"

/** What the load child is asked to do (argv[2], JSON). */
export class LoadRequest extends Schema.Class<LoadRequest>("LoadRequest")({
  title: Schema.String,
  url: Schema.String,
  connections: Schema.Int.pipe(Schema.positive()),
  durationS: Schema.Number.pipe(Schema.positive()),
  warmupS: Schema.Number.pipe(Schema.nonNegative()),
  /** Sent with every request (credentials of an authenticated route). */
  headers: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.String })),
  /** A fixed load in requests per second; none: as fast as the server answers. */
  rate: Schema.optional(Schema.Number.pipe(Schema.positive())),
  /**
   * A mix instead of one URL: every connection cycles through `requests` (GET paths under `url`),
   * each sent with the headers of its `user` (kept apart so argv stays small).
   */
  sequence: Schema.optional(Schema.Struct({
    users: Schema.Array(Schema.Record({ key: Schema.String, value: Schema.String })),
    requests: Schema.Array(Schema.Struct({ path: Schema.String, user: Schema.Int }))
  }))
}) {}

/** What the load child reports (one IPC message), from autocannon's result of the measured run. */
export class LoadResult extends Schema.Class<LoadResult>("LoadResult")({
  title: Schema.String,
  url: Schema.String,
  durationS: Schema.Number,
  /** Successful (2xx) answers per second of the measured run. */
  rps: Schema.Number,
  /** Successful (2xx) answers; failures are non2xx, errors and timeouts. */
  completed: Schema.Number,
  /** Completed during the warm-up (not part of the figures). */
  warmupCompleted: Schema.Number,
  p50Ms: Schema.Number,
  p99Ms: Schema.Number,
  ok2xx: Schema.Number,
  non2xx: Schema.Number,
  errors: Schema.Number,
  timeouts: Schema.Number
}) {}

/** One canned response of the bare server. */
export const CannedResponse = Schema.Struct({
  status: Schema.Int,
  headers: Schema.Record({ key: Schema.String, value: Schema.String }),
  body: Schema.String
})
export type CannedResponse = typeof CannedResponse.Type

/** The bare server's routes (env BARE_ROUTES, JSON): exact request path => response. */
export const BareRoutes = Schema.Record({ key: Schema.String, value: CannedResponse })
export const BareRoutesJson = Schema.parseJson(BareRoutes)

/** The bare server's one IPC message, once it listens. */
export const Listening = Schema.Struct({ _tag: Schema.Literal("Listening"), port: Schema.Int })
