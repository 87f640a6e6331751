/**
 * The live event stream over RPC (the SDK's twin of `GET /api/v1/events`, server-sent events): every
 * event the caller may see, from `lastEventId` on when given (within the retention window), then live.
 */
import { Rpc, RpcGroup } from "@effect/rpc"
import { Schema } from "effect"
import { Forbidden, Unavailable } from "./errors.js"
import { EventEnvelope, EventsSubscribeRequest } from "./events.js"
import { RpcAuthentication } from "./identity.js"

export class EventsRpcs extends RpcGroup.make(
  Rpc.make("EventsSubscribe", {
    payload: EventsSubscribeRequest,
    success: EventEnvelope,
    error: Schema.Union(Forbidden, Unavailable),
    stream: true
  })
).middleware(RpcAuthentication) {}
