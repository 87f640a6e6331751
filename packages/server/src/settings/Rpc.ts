/** RPC handlers of `SettingsRpcs`: the operations of Operations.ts. */
import { SettingsRpcs } from "@mediaserver/domain"
import { makeSettingsOperations } from "./Operations.js"

export const SettingsRpcLive = SettingsRpcs.toLayer(makeSettingsOperations)
