/**
 * Notifications: agents as data (Discord, Gotify, ntfy, signed webhook, email), their admin operations,
 * the dispatcher from relayed events to `notify.dispatch` jobs, and the delivery those jobs run.
 */
import { Layer } from "effect"
import { ProviderHttp } from "../metadata/provider/ProviderHttp.js"
import { NotificationAgents } from "./Agents.js"
import { NotificationDispatch, NotificationDispatcherLive } from "./Dispatch.js"
import { NotificationRepo } from "./Repo.js"
import { NotificationSenders } from "./Senders.js"

export { NotificationsHttpLive } from "./Http.js"
export { NotificationsRpcLive } from "./Rpc.js"
export { NotificationAgents, NotificationDispatch, NotificationDispatcherLive }
export { signWebhook } from "./Senders.js"
export { describeEvent, renderDigest } from "./Render.js"

/** The notification services (needs SqlClient, Jobs, Events, EventPreferences, SecretBox, Mailer, Enforcer, LibraryAccess, ActivityLog). */
export const NotificationsLive = Layer.mergeAll(NotificationAgents.layer, NotificationDispatch.layer).pipe(
  Layer.provideMerge(Layer.mergeAll(NotificationRepo.layer, NotificationSenders.layer)),
  Layer.provide(ProviderHttp.layer)
)
