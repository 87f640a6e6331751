/**
 * The `library.probe` job: probes a library's files whose probe is missing or stale, a batch at a time,
 * with the probe service's per-node process limit; empty files are marked without running ffprobe. A
 * file ffprobe cannot read is remembered as such; a timeout or a missing ffprobe fails the attempt
 * (retryable), keeping what was already saved.
 */
import type { LibraryProbeJob } from "@mediaserver/domain"
import { allContentChanged } from "@mediaserver/server/content/ContentCache"
import { MediaProbe } from "@mediaserver/server/library/Probe"
import { ProbesRepo } from "@mediaserver/server/library/ProbesRepo"
import { externalSubtitles } from "@mediaserver/server/library/Subtitles"
import { Effect } from "effect"

const BATCH = 200

export const probeJob = ({ libraryId }: typeof LibraryProbeJob.payload.Type) =>
  Effect.gen(function* () {
    const repo = yield* ProbesRepo
    const probe = yield* MediaProbe
    const empty = yield* repo.markEmpty(libraryId)
    let probed = 0
    for (;;) {
      const stale = yield* repo.stale(libraryId, BATCH)
      if (stale.length === 0) break
      yield* Effect.forEach(stale, (file) =>
        probe.probe(file.path).pipe(
          Effect.flatMap((info) => Effect.flatMap(externalSubtitles(file.path), (external) => repo.save(file, info, external))),
          Effect.catchTag("ProbeFailed", (e) => repo.saveFailure(file, e.message))
        ), { concurrency: "unbounded", discard: true })
      probed += stale.length
    }
    if (probed + empty > 0) yield* allContentChanged
    yield* Effect.logInfo(`library ${libraryId}: probed ${probed} files (${empty} empty ones skipped)`)
  })
