/** REST handlers of the notification groups: each maps its request onto one operation (Operations.ts). */
import { HttpApiBuilder } from "@effect/platform"
import { MediaApi } from "@mediaserver/domain"
import { Effect, Layer } from "effect"
import { makeNotificationOperations } from "./Operations.js"

const AdminNotificationsHttp = HttpApiBuilder.group(MediaApi, "adminNotifications", (handlers) =>
  Effect.map(makeNotificationOperations, (op) =>
    handlers
      .handle("list", () => op.AdminNotificationAgentList())
      .handle("create", ({ payload }) => op.AdminNotificationAgentCreate(payload))
      .handle("get", ({ path }) => op.AdminNotificationAgentGet(path))
      .handle("update", ({ path, payload }) => op.AdminNotificationAgentUpdate({ ...path, changes: payload }))
      .handle("delete", ({ path }) => op.AdminNotificationAgentDelete(path))
      .handle("test", ({ path }) => op.AdminNotificationAgentTest(path))
  ))

const PreferencesHttp = HttpApiBuilder.group(MediaApi, "notificationPreferences", (handlers) =>
  Effect.map(makeNotificationOperations, (op) =>
    handlers
      .handle("get", () => op.NotificationPreferencesGet())
      .handle("set", ({ payload }) => op.NotificationPreferencesSet(payload))
  ))

export const NotificationsHttpLive = Layer.mergeAll(AdminNotificationsHttp, PreferencesHttp)
