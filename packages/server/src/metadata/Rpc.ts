/** RPC handlers of `MetadataRpcs`: the operations of Operations.ts. */
import { MetadataRpcs } from "@mediaserver/domain"
import { makeMetadataOperations } from "./Operations.js"

export const MetadataRpcLive = MetadataRpcs.toLayer(makeMetadataOperations)
