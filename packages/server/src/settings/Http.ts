/** REST handlers of settings: server settings for admins, each user's own for themselves. */
import { HttpApiBuilder } from "@effect/platform"
import { CurrentUser, MediaApi } from "@mediaserver/domain"
import { Effect } from "effect"
import { canRead, canWrite, requireAdmin, withPolicy } from "../auth/Policy.js"
import { Settings } from "./Service.js"

export const SettingsHttpLive = HttpApiBuilder.group(MediaApi, "settings", (handlers) =>
  Effect.gen(function* () {
    const settings = yield* Settings
    const admin = withPolicy(requireAdmin)
    const mine = <A, E, R>(f: (me: CurrentUser["Type"]) => Effect.Effect<A, E, R>) => Effect.flatMap(CurrentUser, f)
    return handlers
      .handle("listServer", ({ urlParams }) => admin(settings.list("server", urlParams.category)))
      .handle("getServer", ({ path }) => admin(settings.get("server", path.key)))
      .handle("setServer", ({ path, payload }) =>
        admin(mine((me) => settings.set("server", path.key, payload.value, me.userId))))
      .handle("listUser", ({ urlParams }) => withPolicy(canRead)(mine((me) => settings.list(me.userId, urlParams.category))))
      .handle("getUser", ({ path }) => withPolicy(canRead)(mine((me) => settings.get(me.userId, path.key))))
      .handle("setUser", ({ path, payload }) =>
        withPolicy(canWrite)(mine((me) => settings.set(me.userId, path.key, payload.value, me.userId))))
      .handle("resetUser", ({ path }) => withPolicy(canWrite)(mine((me) => settings.reset(me.userId, path.key))))
  })
)
