/**
 * The `library.match_file` job: one file that appeared or changed in a watched library, matched
 * without walking the library. A file that cannot be matched is recorded as unmatched and ends the run
 * at once as discarded (`FileUnmatched`): retrying cannot change its name.
 */
import {
  FileUnmatched,
  type Library,
  type LibraryMatchFileJob,
  LibraryProbeJob,
  MetadataRefreshLibraryJob,
  NotFound
} from "@mediaserver/domain"
import { allContentChanged } from "@mediaserver/server/content"
import { Jobs } from "@mediaserver/server/jobs"
import { Libraries } from "@mediaserver/server/library"
import { discFolderOf, isCandidateFile, parseMediaPath } from "@mediaserver/server/library"
import { nfoCandidates } from "@mediaserver/server/library"
import { Effect } from "effect"
import * as Fs from "node:fs/promises"
import * as Path from "node:path"
import { matchFile } from "./Matcher.js"
import type { FoundFile } from "./Walk.js"
import { writeEpisodes, writeMovies } from "./Writer.js"

const exists = (path: string) => Effect.promise(() => Fs.access(path).then(() => true, () => false))

/** The NFO files that could apply to this file and exist. */
const nfosFor = (library: Library, file: FoundFile) =>
  Effect.gen(function* () {
    const parsed = parseMediaPath(library.kind, file.root, file.path, new Set(library.scan.extensions))
    const candidates = [...nfoCandidates(parsed, file.path)]
    const found = yield* Effect.filter(candidates, exists, { concurrency: "unbounded" })
    return new Set(found)
  })

export const matchFileJob = ({ libraryId, path }: typeof LibraryMatchFileJob.payload.Type) =>
  Effect.gen(function* () {
    const library = yield* Effect.flatMap(Libraries, (libraries) => libraries.load(libraryId))
    const root = library.paths.find((r) => path.startsWith(`${r}/`))
    if (root === undefined) return yield* new NotFound({ message: `${path} is not under a root of ${library.name}` })
    // A clip inside a disc folder is part of the disc's item, which scans find (Walk).
    if (!isCandidateFile(Path.basename(path), new Set(library.scan.extensions)) || discFolderOf(path) !== null) return
    const stat = yield* Effect.tryPromise({
      try: () => Fs.stat(path),
      catch: () => new NotFound({ message: `${path} is gone` })
    })
    if (!stat.isFile()) return
    const file: FoundFile = { root, path, size: stat.size, mtimeMs: Math.floor(stat.mtimeMs) }
    const matched = yield* matchFile(library.kind, new Set(library.scan.extensions), file, yield* nfosFor(library, file), new Map())
    const write = library.kind === "movie" ? writeMovies : writeEpisodes
    let newItems = 0
    switch (matched.kind) {
      case "unmatched":
        yield* write(library.id, [], [{ file, reason: matched.reason }])
        return yield* new FileUnmatched({ path, message: matched.reason })
      case "movie":
        newItems = yield* writeMovies(library.id, [matched.value], [])
        break
      case "episode":
        newItems = yield* writeEpisodes(library.id, [matched.value], [])
        break
    }
    // Its item's details, the listings and the library's search answers now have this file.
    yield* allContentChanged(libraryId)
    const jobs = yield* Jobs
    yield* jobs.enqueue(LibraryProbeJob, { libraryId })
    if (newItems > 0) yield* jobs.enqueue(MetadataRefreshLibraryJob, { libraryId })
  })
