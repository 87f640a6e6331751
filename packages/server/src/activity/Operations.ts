/** Every admin activity operation once (named as in AdminActivityRpcs): admin only. */
import { AdminActivityRpcs } from "@mediaserver/domain"
import { Effect } from "effect"
import { requireAdmin, withPolicy } from "../access/Policy.js"
import { AdminActivity } from "./AdminActivity.js"

export const makeAdminActivityOperations = Effect.gen(function* () {
  const activity = yield* AdminActivity
  const admin = withPolicy(requireAdmin)
  return AdminActivityRpcs.of({
    ActivityList: (query) => admin(activity.list(query)),
    ActivityStats: (range) => admin(activity.stats(range)),
    ActivityActions: () => admin(activity.actions)
  })
})
