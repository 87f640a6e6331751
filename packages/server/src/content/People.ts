/**
 * People as users browse them: who they are and what they are in, among the titles the caller may
 * see. A person with no credit on such a title is not found (no existence leak through cast lists of
 * hidden libraries). Guest parts in episodes count for their series.
 */
import { PgClient } from "@effect/sql-pg"
import { type DatabaseError, type NotFound, PersonDetails, type PersonId, type Principal } from "@mediaserver/domain"
import { Context, Effect, Layer, Option } from "effect"
import { LibraryAccess } from "../library/LibraryAccess.js"
import * as J from "./ContentJson.js"
import { accessFilter } from "./Listing.js"
import { decodeJson, first, notFound } from "./Query.js"

/** Characters and jobs of one title, joined once each, characters first. */
const roles = "nullif(string_agg(DISTINCT coalesce(nullif(c.character, ''), c.job), ', '), '')"

export class People extends Context.Tag("@mediaserver/content/People")<
  People,
  { readonly get: (user: Principal, id: PersonId) => Effect.Effect<PersonDetails, NotFound | DatabaseError> }
>() {
  static readonly layer = Layer.effect(
    People,
    Effect.gen(function* () {
      const sql = yield* PgClient.PgClient
      const access = yield* LibraryAccess
      return {
        get: (user, id) =>
          Effect.gen(function* () {
            const accessible = yield* access.accessible(user)
            const rows = yield* sql`
              SELECT json_build_object(
                'id', p.id, 'name', p.name, 'biography', p.biography, 'birthday', p.birthday::text,
                'deathday', p.deathday::text, 'placeOfBirth', p.place_of_birth,
                'knownForDepartment', p.known_for_department, 'profilePath', p.profile_path,
                'movies', coalesce((
                  SELECT json_agg(json_build_object('movie', x.summary, 'role', x.role) ORDER BY x.year DESC NULLS LAST, x.title)
                  FROM (
                    SELECT ${sql.literal(J.movieSummary)}::jsonb AS summary, ${sql.literal(roles)} AS role, m.year, m.sort_title AS title
                    FROM credits c JOIN movies m ON m.id = c.movie_id
                    WHERE c.person_id = p.id AND ${accessFilter(sql, "m.library_id", accessible)}
                    GROUP BY m.id
                  ) x), '[]'::json),
                'series', coalesce((
                  SELECT json_agg(json_build_object('series', x.summary, 'role', x.role) ORDER BY x.year DESC NULLS LAST, x.title)
                  FROM (
                    SELECT ${sql.literal(J.seriesSummary)}::jsonb AS summary, ${sql.literal(roles)} AS role, s.year, s.sort_title AS title
                    FROM credits c
                    LEFT JOIN episodes e ON e.id = c.episode_id
                    JOIN series s ON s.id = coalesce(c.series_id, e.series_id)
                    WHERE c.person_id = p.id AND ${accessFilter(sql, "s.library_id", accessible)}
                    GROUP BY s.id
                  ) x), '[]'::json)
              ) AS j
              FROM people p WHERE p.id = ${id}
            `.pipe(decodeJson(PersonDetails, "people.get"), Effect.map(first))
            return yield* Option.match(Option.filter(rows, (p) => p.movies.length > 0 || p.series.length > 0), {
              onNone: () => Effect.fail(notFound("person", id)),
              onSome: Effect.succeed
            })
          })
      }
    })
  )
}
