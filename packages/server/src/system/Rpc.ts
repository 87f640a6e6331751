/** RPC handlers of `SystemRpcs`: the operations of Operations.ts. */
import { SystemRpcs } from "@mediaserver/domain"
import { makeSystemOperations } from "./Operations.js"

export const SystemRpcLive = SystemRpcs.toLayer(makeSystemOperations)
