/** RPC handlers of `PlaybackRpcs`: the operations of Operations.ts. */
import { PlaybackRpcs } from "@mediaserver/domain"
import { makePlaybackOperations } from "./Operations.js"

export const PlaybackRpcLive = PlaybackRpcs.toLayer(makePlaybackOperations)
