/** RPC handlers of `EventsRpcs`: the operations of Operations.ts. */
import { EventsRpcs } from "@mediaserver/domain"
import { makeEventsOperations } from "./Operations.js"

export const EventsRpcLive = EventsRpcs.toLayer(makeEventsOperations)
