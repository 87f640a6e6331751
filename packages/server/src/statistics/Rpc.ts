/** RPC handlers of `AdminStatisticsRpcs`: the operations of Operations.ts. */
import { AdminStatisticsRpcs } from "@mediaserver/domain"
import { Layer } from "effect"
import { makeAdminStatisticsOperations } from "./Operations.js"
import { Statistics } from "./Statistics.js"

export const AdminStatisticsRpcLive = AdminStatisticsRpcs.toLayer(makeAdminStatisticsOperations).pipe(Layer.provide(Statistics.layer))
