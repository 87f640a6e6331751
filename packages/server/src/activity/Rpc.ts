/** RPC handlers of `AdminActivityRpcs`: the operations of Operations.ts. */
import { AdminActivityRpcs } from "@mediaserver/domain"
import { Layer } from "effect"
import { AdminActivity } from "./AdminActivity.js"
import { makeAdminActivityOperations } from "./Operations.js"

export const AdminActivityRpcLive = AdminActivityRpcs.toLayer(makeAdminActivityOperations).pipe(Layer.provide(AdminActivity.layer))
