/** RPC handlers of the notification group: the operations of Operations.ts as they are. */
import { NotificationRpcs } from "@mediaserver/domain"
import { makeNotificationOperations } from "./Operations.js"

export const NotificationsRpcLive = NotificationRpcs.toLayer(makeNotificationOperations)
