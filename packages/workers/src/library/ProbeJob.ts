/**
 * The `library.probe` job: probes a library's files whose probe is missing or stale, a batch at a time,
 * with the probe service's per-node process limit; empty files are marked without running ffprobe. A
 * batch costs one read of its files, one listing per directory and one write. A file ffprobe cannot
 * read is remembered as such; a timeout or a missing ffprobe fails the attempt (retryable), after the
 * batch's other results are saved.
 */
import type { LibraryProbeJob } from "@mediaserver/domain"
import { allContentChanged } from "@mediaserver/server/content"
import { MediaProbe } from "@mediaserver/server/library"
import { type ProbeOutcome, ProbesRepo, type StaleFile } from "@mediaserver/server/library"
import { externalSubtitlesOf } from "@mediaserver/server/library"
import { RequestPriority } from "@mediaserver/server/system"
import { Array, Effect, Option } from "effect"

const BATCH = 200

export const probeJob = ({ libraryId }: typeof LibraryProbeJob.payload.Type) =>
  Effect.gen(function* () {
    const repo = yield* ProbesRepo
    const probe = yield* MediaProbe
    const priority = yield* RequestPriority
    const batchSize = priority.batchSize(BATCH)
    const empty = yield* repo.markEmpty(libraryId)
    let probed = 0
    for (;;) {
      yield* priority.yieldToRequests
      const stale = yield* repo.stale(libraryId, batchSize)
      if (stale.length === 0) break
      // Every file of the batch runs to its end: a retryable failure must not lose the others' results.
      const results = yield* Effect.forEach(stale, (file: StaleFile) =>
        probe.probe(file.path).pipe(
          Effect.map((info) => ({ file, info })),
          Effect.catchTag("ProbeFailed", (e) => Effect.succeed({ file, error: e.message })),
          Effect.either
        ), { concurrency: "unbounded" })
      const [retryable, done] = Array.partitionMap(results, (result) => result)
      const subtitles = yield* externalSubtitlesOf(done.flatMap((d) => ("info" in d ? [d.file.path] : [])))
      const outcomes: ReadonlyArray<ProbeOutcome> = done.map((d) =>
        "info" in d ? { ...d, external: subtitles.get(d.file.path) ?? [] } : d)
      yield* priority.yieldToRequests
      yield* repo.saveAll(outcomes)
      probed += done.length
      const failed = Array.head(retryable)
      if (Option.isSome(failed)) return yield* Effect.fail(failed.value)
    }
    if (probed + empty > 0) yield* allContentChanged(libraryId)
    yield* Effect.logInfo(`library ${libraryId}: probed ${probed} files (${empty} empty ones skipped)`)
  })
