/** RPC handlers of `LibraryRpcs`: the operations of Operations.ts. */
import { LibraryRpcs } from "@mediaserver/domain"
import { makeLibraryOperations } from "./Operations.js"

export const LibraryRpcLive = LibraryRpcs.toLayer(makeLibraryOperations)
