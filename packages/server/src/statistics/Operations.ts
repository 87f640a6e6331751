/** Every admin statistics operation once (named as in AdminStatisticsRpcs): admin only. */
import { AdminStatisticsRpcs } from "@mediaserver/domain"
import { Effect } from "effect"
import { requireAdmin, withPolicy } from "../access/Policy.js"
import { Statistics } from "./Statistics.js"

export const makeAdminStatisticsOperations = Effect.gen(function* () {
  const statistics = yield* Statistics
  const admin = withPolicy(requireAdmin)
  return AdminStatisticsRpcs.of({
    StatisticsList: (query) => admin(statistics.list(query))
  })
})
