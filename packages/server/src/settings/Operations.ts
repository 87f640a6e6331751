/** Every settings operation once (named as in SettingsRpcs): server settings for admins, each user's own for themselves. */
import { CurrentUser, type Principal, SettingsRpcs } from "@mediaserver/domain"
import { Effect } from "effect"
import { canRead, canWrite, requireAdmin, withPolicy } from "../access/Policy.js"
import { Settings } from "./Service.js"

export const makeSettingsOperations = Effect.gen(function* () {
  const settings = yield* Settings
  const admin = withPolicy(requireAdmin)
  const mine = <A, E, R>(f: (me: Principal) => Effect.Effect<A, E, R>) => Effect.flatMap(CurrentUser, f)
  return SettingsRpcs.of({
    SettingsServerList: ({ category }) => admin(settings.list("server", category)),
    SettingsServerGet: ({ key }) => admin(settings.get("server", key)),
    SettingsServerSet: ({ key, value }) => admin(mine((me) => settings.set("server", key, value, me.userId))),
    SettingsUserList: ({ category }) => withPolicy(canRead)(mine((me) => settings.list(me.userId, category))),
    SettingsUserGet: ({ key }) => withPolicy(canRead)(mine((me) => settings.get(me.userId, key))),
    SettingsUserSet: ({ key, value }) => withPolicy(canWrite)(mine((me) => settings.set(me.userId, key, value, me.userId))),
    SettingsUserReset: ({ key }) => withPolicy(canWrite)(mine((me) => settings.reset(me.userId, key)))
  })
})
