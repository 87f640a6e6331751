/** Playback: sessions (decision, state in Postgres), the PlaybackSession entity (ffmpeg), HLS and direct play. */
import { Layer } from "effect"
import { MediaProbe } from "../library/Probe.js"
import { ProbesRepo } from "../library/ProbesRepo.js"
import { PlaybackSessionEntityLive } from "./SessionEntity.js"
import { PlaybackSessions } from "./Sessions.js"
import { SessionsRepo } from "./SessionsRepo.js"

export { PlaybackHttpLive, PlaybackSignedHttpLive } from "./Http.js"
export { PlaybackRpcLive } from "./Rpc.js"
export { PlaybackSessions }
export { variantOf } from "./Decision.js"
export { hlsArgs } from "./Ffmpeg.js"

const Deps = SessionsRepo.layer

/** The service behind the handlers and the health job (needs LibraryAccess, UserProgress, Events and Sharding). */
export const PlaybackLive = PlaybackSessions.layer.pipe(Layer.provide([Deps, ProbesRepo.layer, MediaProbe.layer]))

/** The entity, registered on every runner with the other entities (Main.ts). */
export const PlaybackEntityLive = PlaybackSessionEntityLive.pipe(Layer.provide(Deps))
