/** RPC handlers of `BrowseRpcs`. */
import { BrowseRpcs } from "@mediaserver/domain"
import { makeBrowseOperations } from "./Operations.js"

export const BrowseRpcLive = BrowseRpcs.toLayer(makeBrowseOperations)
