/** RPC handlers of `EventsRpcs`: the operations of Operations.ts. */
import { EventsRpcs } from "@mediaserver/domain"
import { Effect } from "effect"
import { makeEventsOperations } from "./Operations.js"

export const EventsRpcLive = EventsRpcs.toLayer(Effect.map(makeEventsOperations, (op) => op.rpc))
