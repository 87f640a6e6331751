/** Domain events: the outbox-backed bus of every node, and the live stream (SSE and RPC) over it. */
export { Events } from "./Events.js"
export { EventsRpcLive } from "./Rpc.js"
export { EVENTS_PATH, EventsSseRoute } from "./Sse.js"
export { pruneEventOutbox } from "./Retention.js"
export { type EmailSubscriber, EventPreferences } from "./Preferences.js"
export { eventVisibleTo } from "./Visibility.js"

import { Layer } from "effect"
import { RedisConnection } from "../redis/Redis.js"
import { Events } from "./Events.js"

/** The bus with its own Redis connection (when REDIS_URL is set): for processes without a whole node. */
export const EventsStandalone = Events.layer.pipe(Layer.provide(RedisConnection.layer))
