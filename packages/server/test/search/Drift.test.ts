/**
 * The search documents never drift: after a random sequence of content changes made through the
 * writers the product uses (scan upserts, metadata genre and credit refreshes, person refreshes,
 * admin renames, deletions, a library's language, permission grants and revokes), every query
 * answers exactly what it answers after the documents are dropped and rebuilt from scratch.
 */
import { describe, expect, it } from "@effect/vitest"
import { PgClient } from "@effect/sql-pg"
import { LibraryId, MetadataCredit, MetadataPerson, NamedRef } from "@mediaserver/domain"
import { Effect, Redacted, Schema } from "effect"
import { randomUUID } from "node:crypto"
import { request } from "@mediaserver/testkit/Http"
import { databaseLayer } from "@mediaserver/testkit/DatabaseLayer"
import { seededRandom } from "@mediaserver/testkit/Random"
import { seededServer } from "@mediaserver/testkit/Seeded"
import { ContentRepo } from "../../src/library/ContentRepo.js"
import { ItemsRepo } from "../../src/metadata/ItemsRepo.js"
import { PeopleRepo } from "../../src/metadata/PeopleRepo.js"
import { rebuildDocuments } from "../../src/search/Reindex.js"

const STEPS = 60
const WORDS = ["Lost", "Silent", "Iron", "Crimson", "Hidden", "Golden", "River", "Empire", "Shadow", "Écho", "Zoë", "Midnight"]
const QUERIES = ["lost", "iron rivr", "echo", "zoe anna", "chapter 2", "kowalski drama"]

const Ids = Schema.Array(Schema.Struct({ id: Schema.String }))

const person = (name: string) =>
  new MetadataPerson({
    provider: "tmdb", id: "x", name, biography: null, birthday: null, deathday: null, placeOfBirth: null, gender: null,
    knownForDepartment: "Acting", profilePath: null, popularity: 1, imdbId: null, alsoKnownAs: [`${name} Jr`], knownFor: [], images: []
  })
const credit = (personId: string, name: string, order: number) =>
  new MetadataCredit({ personId, name, kind: "cast", character: null, department: null, job: null, order, profilePath: null, knownForDepartment: null })

describe("search never drifts", () => {
  it.scopedLive("random changes, then every answer equals the answer after a full rebuild", () =>
    Effect.gen(function* () {
      const s = yield* seededServer({ CACHE_ENABLED: "false" })
      const url = Redacted.value(s.db.url)
      const random = seededRandom(17)
      const pick = <A>(values: ReadonlyArray<A>): A => values[Math.floor(random() * values.length)]!
      const title = () => `${pick(WORDS)} ${pick(WORDS)} ${Math.floor(random() * 1000)}`
      const movieLibrary = LibraryId.make(s.seeded.movieLibrary)

      const change = Effect.gen(function* () {
        const sql = yield* PgClient.PgClient
        const content = yield* ContentRepo
        const items = yield* ItemsRepo
        const people = yield* PeopleRepo
        const ids = (table: string) => Effect.flatMap(sql`SELECT id FROM ${sql(table)} ORDER BY id`, Schema.decodeUnknown(Ids))
        const movieId = Effect.map(ids("movies"), (rows) => pick(rows).id)
        const steps = [
          // A scan finds new movies.
          () => content.upsertMovies(movieLibrary, [{ matchKey: `drift-${randomUUID()}`, title: title(), year: 1990 + Math.floor(random() * 30), ids: {}, edition: null }]),
          // An admin renames a movie, a series, an episode (plain UPDATEs, as edits are).
          () => Effect.flatMap(movieId, (id) => sql`UPDATE movies SET title = ${title()}, original_title = ${title()} WHERE id = ${id}`),
          () => Effect.flatMap(ids("series"), (rows) => sql`UPDATE series SET title = ${title()} WHERE id = ${pick(rows).id}`),
          () => Effect.flatMap(ids("episodes"), (rows) => sql`UPDATE episodes SET title = ${title()} WHERE id = ${pick(rows).id}`),
          // A scan's clean-up removes a movie.
          () => Effect.flatMap(movieId, (id) => sql`DELETE FROM movies WHERE id = ${id}`),
          // Metadata refreshes: genres and credits replaced, a person refreshed (renamed).
          () => Effect.flatMap(movieId, (id) => items.linkGenres("movie", id, [new NamedRef({ id: "18", name: pick(["Drama", "Comedy", "Western"]), logoPath: null, originCountry: null })])),
          () => Effect.flatMap(movieId, (id) => people.replaceCredits("movie", [{ id, credits: [credit(`drift-${Math.floor(random() * 20)}`, `${pick(["Anna", "Zoë", "Hugo"])} ${title()}`, 0)] }])),
          () => Effect.flatMap(ids("people"), (rows) => people.write(pick(rows).id, person(`${pick(["Anna", "Léa", "Kowalski"])} ${title()}`))),
          () => Effect.flatMap(ids("movies"), (rows) => sql`DELETE FROM credits WHERE movie_id = ${pick(rows).id}`),
          // The library's language changes its stemming.
          () => sql`UPDATE libraries SET language = ${pick(["en", "fr", "de", "xx"])} WHERE id = ${movieLibrary}`,
          // Permissions: the viewer loses or regains a library.
          () => request(s.url, "DELETE", `/api/v1/libraries/${pick([s.seeded.movieLibrary, s.seeded.tvLibrary])}/permissions/${s.viewerId}`, { auth: s.admin }),
          () => request(s.url, "POST", `/api/v1/libraries/${pick([s.seeded.movieLibrary, s.seeded.tvLibrary])}/permissions`, {
            auth: s.admin, body: { userId: s.viewerId, canDownload: false, canManage: false }
          })
        ]
        for (let i = 0; i < STEPS; i++) yield* Effect.asVoid(pick(steps)())
      }).pipe(Effect.provide([ContentRepo.layer, ItemsRepo.layer, PeopleRepo.layer]), Effect.provide(databaseLayer(url)))

      const answers = Effect.forEach(QUERIES, (q) =>
        Effect.forEach([
          `/api/v1/search/movies?q=${q}&limit=50`, `/api/v1/search/tvshows?q=${q}&limit=50`, `/api/v1/search/movies/facets?q=${q}`,
          `/api/v1/search/tvshows/facets?q=${q}`, `/api/v1/search/movies/autocomplete?q=${q}`, `/api/v1/search/multi?q=${q}&limit=20`
        ], (path) =>
          Effect.forEach([s.viewer, s.admin], (auth) =>
            Effect.map(request(s.url, "GET", encodeURI(path), { auth }), (res) => ({ path, status: res.status, body: res.body })))), { concurrency: 8 })

      const rebuild = Effect.gen(function* () {
        const sql = yield* PgClient.PgClient
        yield* sql`TRUNCATE search_movies, search_series, search_episodes, search_people`
        yield* rebuildDocuments("all", "drift-test")
      }).pipe(Effect.provide(databaseLayer(url)))

      for (let round = 0; round < 2; round++) {
        yield* change
        const live = yield* answers
        expect(live.flat(2).every((a) => a.status === 200)).toBe(true)
        yield* rebuild
        const rebuilt = yield* answers
        expect(live).toEqual(rebuilt)
      }
    }), 240_000)
})
