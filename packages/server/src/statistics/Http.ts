/** REST handlers of the admin statistics group: each maps its request onto one operation (Operations.ts). */
import { HttpApiBuilder } from "@effect/platform"
import { MediaApi } from "@mediaserver/domain"
import { Effect, Layer } from "effect"
import { makeAdminStatisticsOperations } from "./Operations.js"
import { Statistics } from "./Statistics.js"

export const AdminStatisticsHttpLive = HttpApiBuilder.group(MediaApi, "adminStatistics", (handlers) =>
  Effect.map(makeAdminStatisticsOperations, (op) =>
    handlers.handle("list", ({ urlParams }) => op.StatisticsList(urlParams))
  )).pipe(Layer.provide(Statistics.layer))
