/** Libraries: CRUD, permissions and scans (the scan itself runs in workers). */
import { Layer } from "effect"
import { Events } from "../events/Events.js"
import { EventPreferences } from "../events/Preferences.js"
import { ContentRepo } from "./ContentRepo.js"
import { LibrariesRepo } from "./LibrariesRepo.js"
import { Libraries } from "./Libraries.js"
import { LibraryAccess } from "./LibraryAccess.js"
import { LibraryScans } from "./LibraryScans.js"
import { ScansRepo } from "./ScansRepo.js"

export { LibrariesHttpLive } from "./Http.js"
export { LibraryRpcLive } from "./Rpc.js"
export { ContentRepo, Events, Libraries, LibrariesRepo, LibraryAccess, LibraryScans, ScansRepo }
export type { AbsolutePlace, FileUpsert, MovieFields, SeriesFields } from "./ContentRepo.js"
export { isCandidateFile, isSkippedDirectory, type ParsedPath, parseMediaPath, type ProviderIds } from "./NameParser.js"
export { hasExcludeMarker } from "./SkipRules.js"
export { type NfoData, nfoCandidates, readNfo } from "./Nfo.js"
export { MediaProbe } from "./Probe.js"
export { type ProbeOutcome, ProbesRepo, type StaleFile } from "./ProbesRepo.js"
export type { ScanProgress } from "./ScansRepo.js"
export { pruneScanHistory } from "./ScanHistoryRetention.js"
export { externalSubtitlesOf } from "./Subtitles.js"
export { discFolderOf, discKindOfName, discTitle, type DiscTitle } from "./Disc.js"

/** Every library service a node offers to its handlers and to background work. */
export const LibraryLive = Layer.mergeAll(Libraries.layer, LibraryScans.layer).pipe(
  Layer.provideMerge(Layer.mergeAll(LibraryAccess.layer, ScansRepo.layer, LibrariesRepo.layer, ContentRepo.layer, Events.layer, EventPreferences.layer))
)
