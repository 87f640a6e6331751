/** Distinct genres of what the caller can see, with how many movies and series carry each. */
import { PgClient } from "@effect/sql-pg"
import { type ContentKind, type DatabaseError, GenreCount, type Principal } from "@mediaserver/domain"
import { Context, Effect, Layer, Schema } from "effect"
import { CacheAside } from "../cache/index.js"
import { LibraryAccess } from "../library/LibraryAccess.js"
import { accessFilter } from "./Listing.js"
import { accessKey, decodeJson } from "./Query.js"

export class Genres extends Context.Tag("@mediaserver/content/Genres")<
  Genres,
  { readonly list: (user: Principal, kind: ContentKind | undefined) => Effect.Effect<ReadonlyArray<GenreCount>, DatabaseError> }
>() {
  static readonly layer = Layer.scoped(
    Genres,
    Effect.gen(function* () {
      const sql = yield* PgClient.PgClient
      const access = yield* LibraryAccess
      const cache = yield* CacheAside.make({
        namespace: "content-genres",
        schema: Schema.Array(GenreCount),
        ttl: { l1: "1 minute", l2: "10 minutes" },
        key: (k: { readonly access: string; readonly kind: string }) => `${k.kind}|${k.access}`
      })
      return {
        list: (user, kind) =>
          Effect.flatMap(access.accessible(user), (accessible) =>
            cache.get(
              { access: accessKey(accessible), kind: kind ?? "all" },
              sql`
                WITH counts AS (
                  SELECT g.id, g.name,
                    (SELECT count(*) FROM movie_genres j JOIN movies m ON m.id = j.movie_id
                      WHERE j.genre_id = g.id AND ${accessFilter(sql, "m.library_id", accessible)}) AS movies,
                    (SELECT count(*) FROM series_genres j JOIN series s ON s.id = j.series_id
                      WHERE j.genre_id = g.id AND ${accessFilter(sql, "s.library_id", accessible)}) AS series
                  FROM genres g
                )
                SELECT json_build_object('id', id, 'name', name, 'movies', movies, 'series', series) AS j FROM counts
                WHERE ${sql.literal(kind === "movie" ? "movies > 0" : kind === "tvshow" ? "series > 0" : "movies + series > 0")}
                ORDER BY name
              `.pipe(decodeJson(GenreCount, "genres.list"))
            ))
      }
    })
  )
}
