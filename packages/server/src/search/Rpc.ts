/** RPC handlers of `SearchRpcs`. */
import { SearchRpcs } from "@mediaserver/domain"
import { makeSearchOperations } from "./Operations.js"

export const SearchRpcLive = SearchRpcs.toLayer(makeSearchOperations)
