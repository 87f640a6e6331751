/**
 * An admin's hand on one movie or series: queue a refresh (unique per item for 30 minutes: a second
 * request answers the first run's id), read its match state and candidates, edit fields (each edited
 * field is locked against refreshes), confirm a match (sets the provider id and refreshes).
 */
import { PgClient } from "@effect/sql-pg"
import {
  type ConfirmMatch,
  type DatabaseError,
  EditableField,
  ItemMetadata,
  JobPayloadInvalid,
  LibraryId,
  MatchCandidate,
  type MetadataEdit,
  MetadataRefreshMovieJob,
  type MovieId,
  MetadataRefreshSeriesJob,
  NotFound,
  RefreshQueued,
  type RefreshTrigger,
  type SeriesId,
  Unprocessable,
  MetadataState
} from "@mediaserver/domain"
import { Context, DateTime, Effect, Layer, Option, Schema } from "effect"
import type { CacheStore } from "../cache/CacheStore.js"
import { contentChanged } from "../content/ContentCache.js"
import { decodeRows, jsonb, wrapSql } from "../db/Sql.js"
import { Jobs } from "../jobs/Jobs.js"
import { type ItemKind, ItemsRepo } from "./ItemsRepo.js"

const StateRow = Schema.Struct({
  id: Schema.String,
  library_id: LibraryId,
  title: Schema.String,
  overview: Schema.NullOr(Schema.String),
  tmdb_id: Schema.NullOr(Schema.String),
  metadata_state: MetadataState,
  locked_fields: Schema.Array(Schema.String),
  match_candidates: Schema.NullOr(Schema.Array(Schema.encodedSchema(MatchCandidate))),
  metadata_updated_at: Schema.NullOr(Schema.DateFromSelf)
})
const decodeState = decodeRows(StateRow)
const decodeLibrary = decodeRows(Schema.Struct({ library_id: Schema.String }))

/** Editable field -> column (movies and series name them alike). */
const COLUMNS: Readonly<Record<EditableField, string>> = {
  title: "title",
  originalTitle: "original_title",
  sortTitle: "sort_title",
  overview: "overview",
  tagline: "tagline",
  certification: "certification"
}

export type ItemError = NotFound | DatabaseError

/** A movie or series by its own id type (what a refresh job's payload takes). */
export type ItemRef = { readonly kind: "movie"; readonly id: MovieId } | { readonly kind: "series"; readonly id: SeriesId }

/** A refresh that cannot become a job is refused (422, a Discard) rather than a defect. */
export const refusedPayload = <A, E, R>(enqueue: Effect.Effect<A, E | JobPayloadInvalid, R>) =>
  Effect.catchIf(enqueue, (e): e is JobPayloadInvalid => e instanceof JobPayloadInvalid, (e) =>
    Effect.fail(new Unprocessable({ message: `id: cannot be queued for refresh (${e.message})`, details: { field: "id", reason: "payload_invalid" } })))

export class MetadataItems extends Context.Tag("@mediaserver/metadata/MetadataItems")<
  MetadataItems,
  {
    /** The library of a movie or series (for the manage policy). */
    readonly libraryOf: (kind: ItemKind, id: string) => Effect.Effect<LibraryId, ItemError>
    readonly state: (kind: ItemKind, id: string) => Effect.Effect<ItemMetadata, ItemError>
    readonly refresh: (item: ItemRef, trigger?: RefreshTrigger) => Effect.Effect<RefreshQueued, ItemError | Unprocessable>
    readonly edit: (kind: ItemKind, id: string, edit: MetadataEdit) => Effect.Effect<ItemMetadata, ItemError>
    readonly confirmMatch: (item: ItemRef, match: ConfirmMatch) => Effect.Effect<RefreshQueued, ItemError | Unprocessable>
  }
>() {
  static readonly layer = Layer.effect(
    MetadataItems,
    Effect.gen(function* () {
      const sql = yield* PgClient.PgClient
      const items = yield* ItemsRepo
      const jobs = yield* Jobs
      const context = yield* Effect.context<CacheStore>()
      const table = (kind: ItemKind) => sql(kind === "movie" ? "movies" : "series")
      const missing = (kind: ItemKind, id: string) => new NotFound({ message: `No ${kind === "movie" ? "movie" : "series"} ${id}` })
      const changed = (kind: ItemKind, id: string, library: string) =>
        Effect.provide(contentChanged({ ...(kind === "movie" ? { movies: [id] } : { series: [id] }), libraries: [library] }), context)

      const row = (kind: ItemKind, id: string) =>
        sql`
          SELECT id, library_id, title, overview, tmdb_id, metadata_state, locked_fields, match_candidates, metadata_updated_at
          FROM ${table(kind)} WHERE id = ${id}
        `.pipe(
          Effect.flatMap(decodeState),
          wrapSql("metadata.itemState"),
          Effect.flatMap((rows) => Option.match(Option.fromNullable(rows[0]), { onNone: () => Effect.fail(missing(kind, id)), onSome: Effect.succeed }))
        )

      const state = (kind: ItemKind, id: string) =>
        Effect.map(row(kind, id), (r) =>
          new ItemMetadata({
            id: r.id,
            kind,
            title: r.title,
            overview: r.overview,
            tmdbId: r.tmdb_id,
            metadataState: r.metadata_state,
            lockedFields: r.locked_fields,
            matchCandidates: (r.match_candidates ?? []).map((c) => new MatchCandidate(c)),
            metadataUpdatedAt: r.metadata_updated_at === null ? null : DateTime.unsafeFromDate(r.metadata_updated_at)
          }))

      const refresh = (item: ItemRef, trigger: RefreshTrigger = "manual") =>
        Effect.gen(function* () {
          yield* row(item.kind, item.id)
          const jobId = yield* refusedPayload(item.kind === "movie"
            ? jobs.enqueue(MetadataRefreshMovieJob, { movieId: item.id, trigger })
            : jobs.enqueue(MetadataRefreshSeriesJob, { seriesId: item.id, trigger }))
          return new RefreshQueued({ jobId })
        })

      return {
        libraryOf: (kind, id) => Effect.map(row(kind, id), (r) => r.library_id),
        state,
        refresh,
        edit: (kind, id, edit) =>
          Effect.gen(function* () {
            const set = EditableField.literals.flatMap((field) => {
              const value = edit[field]
              return value === undefined ? [] : [{ field, value }]
            })
            const unlock = edit.unlock ?? []
            const assignments = [
              ...set.map(({ field, value }) => sql`${sql(COLUMNS[field])} = ${value}`),
              // Locks: the fields set now join, the ones handed back leave.
              sql`locked_fields = ARRAY(
                SELECT DISTINCT f FROM unnest(locked_fields || ARRAY(SELECT jsonb_array_elements_text(${jsonb(set.map((s) => s.field))}::jsonb))) AS f
                WHERE f NOT IN (SELECT jsonb_array_elements_text(${jsonb(unlock)}::jsonb)) ORDER BY f)`,
              sql`updated_at = now()`
            ]
            const updated = yield* sql`UPDATE ${table(kind)} SET ${sql.csv(assignments)} WHERE id = ${id} RETURNING library_id`.pipe(
              Effect.flatMap(decodeLibrary), wrapSql("metadata.edit"))
            const edited = updated[0]
            if (edited === undefined) return yield* missing(kind, id)
            yield* changed(kind, id, edited.library_id)
            return yield* state(kind, id)
          }),
        confirmMatch: (item, match) =>
          Effect.gen(function* () {
            const { library_id } = yield* row(item.kind, item.id)
            const queued = yield* jobs.withTransaction(Effect.zipRight(items.setMatch(item.kind, item.id, match.tmdbId), refresh(item, "match")))
            yield* changed(item.kind, item.id, library_id)
            return queued
          })
      }
    })
  )
}
