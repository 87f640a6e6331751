import { describe, expect, it } from "@effect/vitest"
import { Either, Schema } from "effect"
import {
  LibraryMatchFileJob,
  LibraryProbeJob,
  LibraryScanJob,
  MetadataEnrichJob,
  MetadataRefreshEpisodeJob,
  MetadataRefreshLibraryJob,
  MetadataRefreshMovieJob,
  MetadataRefreshPersonJob,
  MetadataRefreshSeasonJob,
  MetadataRefreshSeriesJob
} from "../src/index.js"

const ID = "6f1c1b5e-3d2a-4c8e-9f00-0123456789ab"

// Each kind with a payload whose ids are valid; the same payload with any one id replaced is refused.
const kinds: ReadonlyArray<{ readonly payload: Schema.Schema.AnyNoContext; readonly valid: Record<string, string>; readonly ids: ReadonlyArray<string> }> = [
  { payload: LibraryScanJob.payload, valid: { libraryId: ID, scanId: ID }, ids: ["libraryId", "scanId"] },
  { payload: LibraryMatchFileJob.payload, valid: { libraryId: ID, path: "/media/a.mkv" }, ids: ["libraryId"] },
  { payload: LibraryProbeJob.payload, valid: { libraryId: ID }, ids: ["libraryId"] },
  { payload: MetadataRefreshLibraryJob.payload, valid: { libraryId: ID }, ids: ["libraryId"] },
  { payload: MetadataRefreshMovieJob.payload, valid: { movieId: ID, trigger: "scan" }, ids: ["movieId"] },
  { payload: MetadataRefreshSeriesJob.payload, valid: { seriesId: ID, trigger: "manual" }, ids: ["seriesId"] },
  { payload: MetadataRefreshSeasonJob.payload, valid: { seasonId: ID, trigger: "scan" }, ids: ["seasonId"] },
  { payload: MetadataRefreshEpisodeJob.payload, valid: { episodeId: ID, trigger: "scan" }, ids: ["episodeId"] },
  { payload: MetadataRefreshPersonJob.payload, valid: { personId: ID, trigger: "scan" }, ids: ["personId"] },
  { payload: MetadataEnrichJob.payload, valid: { kind: "season", id: ID }, ids: ["id"] }
]

describe("job payloads carry domain ids", () => {
  it("a payload with UUID ids decodes; a non-UUID id is refused (the workflow discards such a run, enqueue refuses it)", () => {
    for (const { payload, valid, ids } of kinds) {
      expect(Either.isRight(Schema.decodeUnknownEither(payload)(valid))).toBe(true)
      for (const id of ids) {
        const bad = { ...valid, [id]: "not-a-uuid" }
        expect(Either.isLeft(Schema.decodeUnknownEither(payload)(bad)), `${JSON.stringify(bad)}`).toBe(true)
        expect(Either.isLeft(Schema.encodeUnknownEither(payload)(bad)), `${JSON.stringify(bad)}`).toBe(true)
      }
    }
  })

  it("the enrich kind stays one of the four item kinds", () => {
    expect(Either.isLeft(Schema.decodeUnknownEither(MetadataEnrichJob.payload)({ kind: "person", id: ID }))).toBe(true)
  })
})
