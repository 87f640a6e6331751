/**
 * People and credits. A credit creates its person (name, photo, department) on first sight; the person
 * refresh fills the rest (biography, birth and death, known-for). Credits of an item are replaced
 * whole at each refresh of that item.
 */
import { PgClient } from "@effect/sql-pg"
import { type DatabaseError, type MetadataCredit, type MetadataPerson, type MetadataState, PersonId } from "@mediaserver/domain"
import { Context, Effect, Layer, Option, Schema } from "effect"
import { randomUUID } from "node:crypto"
import { decodeRows, jsonb, wrapSql } from "../db/Sql.js"

/** Whose credits: exactly one of a movie, a series or an episode. */
export type CreditOwner = { readonly movie: string } | { readonly series: string } | { readonly episode: string }

/** Owners of one kind with their credits, written together (a season's episodes in three statements). */
export interface OwnedCredits {
  readonly id: string
  readonly credits: ReadonlyArray<MetadataCredit>
}

const PersonRow = Schema.Struct({ id: Schema.String, tmdb_id: Schema.NullOr(Schema.String), metadata_state: Schema.String })
export type PersonRow = typeof PersonRow.Type
const decodePeople = decodeRows(PersonRow)
const decodePersonIds = decodeRows(Schema.Struct({ id: PersonId }))
const decodeRenamed = decodeRows(Schema.Struct({ renamed: Schema.Boolean }))

/** Cast kept per item (billing order), and the crew jobs worth showing. */
const MAX_CAST = 50
const KEY_JOBS = new Set(["Director", "Writer", "Screenplay", "Story", "Novel", "Creator", "Producer", "Executive Producer", "Original Music Composer", "Director of Photography"])

export const keptCredits = (credits: ReadonlyArray<MetadataCredit>): ReadonlyArray<MetadataCredit> => [
  ...credits.filter((c) => c.kind !== "crew").sort((a, b) => a.order - b.order).slice(0, MAX_CAST),
  ...credits.filter((c) => c.kind === "crew" && c.job !== null && KEY_JOBS.has(c.job))
]

export class PeopleRepo extends Context.Tag("@mediaserver/metadata/PeopleRepo")<
  PeopleRepo,
  {
    readonly get: (id: string) => Effect.Effect<Option.Option<PersonRow>, DatabaseError>
    /** Upserts the credited people, then replaces the credits of each owner (all of `kind`). */
    /** Answers whether a person already known got another name (their name is in documents of other libraries). */
    readonly replaceCredits: (kind: "movie" | "series" | "episode", owners: ReadonlyArray<OwnedCredits>) => Effect.Effect<boolean, DatabaseError>
    /** Answers whether the person's name changed. */
    readonly write: (id: string, person: MetadataPerson) => Effect.Effect<boolean, DatabaseError>
    readonly setState: (id: string, state: MetadataState) => Effect.Effect<void, DatabaseError>
    /** People credited on these owners whose details were never fetched. */
    readonly pendingOf: (owners: ReadonlyArray<CreditOwner>) => Effect.Effect<ReadonlyArray<PersonId>, DatabaseError>
  }
>() {
  static readonly layer = Layer.effect(
    PeopleRepo,
    Effect.gen(function* () {
      const sql = yield* PgClient.PgClient
      const ownerOf = (owner: CreditOwner) =>
        "movie" in owner ? { column: "movie_id", id: owner.movie } : "series" in owner ? { column: "series_id", id: owner.series } : { column: "episode_id", id: owner.episode }
      return {
        get: (id) =>
          sql`SELECT id, tmdb_id, metadata_state FROM people WHERE id = ${id}`.pipe(
            Effect.flatMap(decodePeople), Effect.map((rows) => Option.fromNullable(rows[0])), wrapSql("people.get")),
        replaceCredits: (kind, owners) =>
          Effect.gen(function* () {
            if (owners.length === 0) return false
            const column = `${kind}_id`
            const kept = owners.map((owner) => ({ id: owner.id, credits: keptCredits(owner.credits) }))
            const credited = kept.flatMap((owner) => owner.credits)
            // Sorted: concurrent refreshes lock shared people in one order (no deadlock).
            const people = [...new Map(credited.map((c) => [c.personId, c])).values()].sort((a, b) => a.personId.localeCompare(b.personId))
            // The names before the upsert are read in the same statement (a data-modifying WITH sees the old rows).
            const renamed = people.length === 0 ? [] : yield* sql`
              WITH x AS (
                SELECT * FROM jsonb_to_recordset(${jsonb(people.map((p) => ({
                  id: randomUUID(), tmdb_id: p.personId, name: p.name, profile_path: p.profilePath, department: p.knownForDepartment
                })))}::jsonb) AS x(id uuid, tmdb_id text, name text, profile_path text, department text)
              ), upserted AS (
                INSERT INTO people (id, tmdb_id, name, profile_path, known_for_department)
                SELECT x.id, x.tmdb_id, x.name, x.profile_path, x.department FROM x
                ON CONFLICT (tmdb_id) DO UPDATE SET name = EXCLUDED.name,
                  profile_path = coalesce(people.profile_path, EXCLUDED.profile_path),
                  known_for_department = coalesce(people.known_for_department, EXCLUDED.known_for_department)
                RETURNING 1
              )
              SELECT 1 FROM people p JOIN x ON x.tmdb_id = p.tmdb_id WHERE p.name IS DISTINCT FROM x.name LIMIT 1
            `
            yield* sql`DELETE FROM credits WHERE ${sql(column)} IN ${sql.in(owners.map((owner) => owner.id))}`
            if (credited.length === 0) return renamed.length > 0
            yield* sql`
              INSERT INTO credits (id, person_id, ${sql(column)}, kind, character, department, job, position)
              SELECT x.id, p.id, x.owner, x.kind, x.character, x.department, x.job, x.position
              FROM jsonb_to_recordset(${jsonb(kept.flatMap((owner) => owner.credits.map((c, position) => ({
                id: randomUUID(), owner: owner.id, tmdb_id: c.personId, kind: c.kind, character: c.character, department: c.department, job: c.job, position
              }))))}::jsonb) AS x(id uuid, owner uuid, tmdb_id text, kind text, character text, department text, job text, position int)
              JOIN people p ON p.tmdb_id = x.tmdb_id
            `
            return renamed.length > 0
          }).pipe(wrapSql("people.replaceCredits")),
        // `o` is the row as it was (a self-join in UPDATE reads the old version).
        write: (id, p) =>
          sql`
            UPDATE people SET name = ${p.name}, biography = ${p.biography}, birthday = ${p.birthday}::date,
              deathday = ${p.deathday}::date, place_of_birth = ${p.placeOfBirth}, gender = ${p.gender === null ? null : Math.round(p.gender)},
              known_for_department = ${p.knownForDepartment}, profile_path = ${p.profilePath}, popularity = ${p.popularity},
              imdb_id = ${p.imdbId}, known_for = ${jsonb(p.knownFor)}::jsonb, also_known_as = ${jsonb(p.alsoKnownAs)}::jsonb,
              metadata_state = 'ready', metadata_updated_at = now(), updated_at = now()
            FROM people o WHERE people.id = ${id} AND o.id = people.id
            RETURNING o.name IS DISTINCT FROM people.name AS renamed
          `.pipe(Effect.flatMap(decodeRenamed), Effect.map((rows) => rows[0]?.renamed === true), wrapSql("people.write")),
        setState: (id, state) =>
          sql`UPDATE people SET metadata_state = ${state}, metadata_updated_at = now() WHERE id = ${id}`.pipe(Effect.asVoid, wrapSql("people.setState")),
        pendingOf: (owners) =>
          owners.length === 0 ? Effect.succeed([]) : sql`
            SELECT DISTINCT p.id FROM credits c JOIN people p ON p.id = c.person_id
            WHERE p.metadata_state = 'pending' AND (${sql.or(owners.map((o) => {
              const { column, id } = ownerOf(o)
              return sql`${sql(column)} = ${id}`
            }))})
          `.pipe(Effect.flatMap(decodePersonIds), Effect.map((rows) => rows.map((r) => r.id)), wrapSql("people.pendingOf"))
      }
    })
  )
}
