/**
 * Every notification operation once (named as in NotificationRpcs): the agents need the admin guard;
 * a user's own preferences need a signed-in caller.
 */
import { NotificationRpcs } from "@mediaserver/domain"
import { asCaller, canRead, canWrite, requireAdmin } from "../access/Policy.js"
import { Effect } from "effect"
import { EventPreferences } from "../events/Preferences.js"
import { NotificationAgents } from "./Agents.js"

export const makeNotificationOperations = Effect.gen(function* () {
  const agents = yield* NotificationAgents
  const preferences = yield* EventPreferences
  const admin = asCaller(requireAdmin)

  return NotificationRpcs.of({
    AdminNotificationAgentList: () => admin(() => agents.list),
    AdminNotificationAgentCreate: (request) => admin((me) => agents.create(me, request)),
    AdminNotificationAgentGet: ({ agentId }) => admin(() => agents.get(agentId)),
    AdminNotificationAgentUpdate: ({ agentId, changes }) => admin((me) => agents.update(me, agentId, changes)),
    AdminNotificationAgentDelete: ({ agentId }) => admin((me) => agents.delete(me, agentId)),
    AdminNotificationAgentTest: ({ agentId }) => admin((me) => agents.test(me, agentId)),
    NotificationPreferencesGet: () => asCaller(canRead)((me) => preferences.get(me.userId)),
    NotificationPreferencesSet: (changes) => asCaller(canWrite)((me) => preferences.set(me.userId, changes))
  })
})
