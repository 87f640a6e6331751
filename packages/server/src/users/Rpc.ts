/** RPC handlers of `ProfileRpcs`: the operations of Operations.ts. */
import { ProfileRpcs } from "@mediaserver/domain"
import { makeProfileOperations } from "./Operations.js"

export const ProfileRpcLive = ProfileRpcs.toLayer(makeProfileOperations)
