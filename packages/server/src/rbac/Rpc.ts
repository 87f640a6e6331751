/** RPC handlers of `RbacRpcs`: the operations of Operations.ts. */
import { RbacRpcs } from "@mediaserver/domain"
import { makeRbacOperations } from "./Operations.js"

export const RbacRpcLive = RbacRpcs.toLayer(makeRbacOperations)
