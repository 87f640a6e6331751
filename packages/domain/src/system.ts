import { HttpApiEndpoint, HttpApiGroup } from "@effect/platform"
import { Rpc, RpcGroup } from "@effect/rpc"
import { Schema } from "effect"
import { HttpInternalError, HttpUnavailable, InternalError, Unavailable } from "./errors.js"
import { about, doc } from "./apiDocs.js"

export const NodeRole = Schema.Literal("api", "worker", "all")
export type NodeRole = typeof NodeRole.Type

/** A media tool as this node found it at start-up: where, which version, or why it cannot run. */
export class MediaToolStatus extends Schema.Class<MediaToolStatus>("MediaToolStatus")({
  tool: Schema.Literal("ffmpeg", "ffprobe"),
  path: Schema.String,
  /** Where the path came from: FFMPEG_PATH / FFPROBE_PATH, PATH, the packaged binary, or nowhere (the bare name). */
  source: Schema.Literal("env", "path", "packaged", "none"),
  version: Schema.NullOr(Schema.String),
  error: Schema.NullOr(Schema.String)
}) {}

export class SystemInfo extends Schema.Class<SystemInfo>("SystemInfo")({
  name: Schema.String,
  version: Schema.String,
  role: NodeRole,
  embedded: Schema.Boolean.annotations({ description: "true when running on the embedded database" }),
  uptimeSeconds: Schema.Number,
  startedAt: Schema.DateTimeUtc,
  nodeId: Schema.String,
  /** ffmpeg and ffprobe on this node (playback and probing need both). */
  mediaTools: Schema.optional(Schema.Array(MediaToolStatus))
}) {}

export class PingResult extends Schema.Class<PingResult>("PingResult")({
  entityId: Schema.String,
  handledBy: Schema.String,
  count: Schema.Number
}) {}

/** Optional note echoed into logs; exists so the gateway's body validation is exercised end to end. */
export class PingRequest extends Schema.Class<PingRequest>("PingRequest")({
  note: Schema.optional(Schema.String.pipe(Schema.maxLength(200)))
}) {}

export class SystemRpcs extends RpcGroup.make(
  Rpc.make("SystemInfo", { success: SystemInfo }),
  Rpc.make("SystemPing", {
    payload: { id: Schema.String },
    success: PingResult,
    error: Schema.Union(Unavailable, InternalError)
  })
) {}

export class SystemApi extends HttpApiGroup.make("system")
  .annotateContext(about("The server itself: its version and a cluster round trip."))
  .add(
    HttpApiEndpoint.get("info", "/system/info").addSuccess(SystemInfo)
      .annotateContext(doc("Server information", "The server's name, version and the node that answered."))
  )
  .add(
    HttpApiEndpoint.post("ping", "/system/ping/:id")
      .setPath(Schema.Struct({ id: Schema.String.pipe(Schema.minLength(1), Schema.maxLength(200)) }))
      .setPayload(PingRequest)
      .addSuccess(PingResult)
      .addError(HttpUnavailable)
      .addError(HttpInternalError)
      .annotateContext(doc("Ping a cluster entity", "Sends a message to the test entity `{id}` through the cluster and answers which node handled it and how many messages it has seen: a check that sharding works end to end."))
  ) {}
