/**
 * Each user's ratings (1-10) and favourites on movies and series. Favourite lists are cached per user
 * and access set, tagged `marks:<user>`, and dropped on that user's writes on every node. Callers check
 * the item's visibility first (Movies.get / Series.get); lists filter by access themselves.
 */
import { PgClient } from "@effect/sql-pg"
import {
  type DatabaseError,
  type MarkTarget,
  MoviePage,
  MovieSummary,
  type Principal,
  SeriesPage,
  SeriesSummary,
  UserMark,
  type UserId
} from "@mediaserver/domain"
import { Context, Effect, Layer, Schema } from "effect"
import { CacheAside, CacheStore } from "../cache/index.js"
import { decodeRows, wrapSql } from "../db/Sql.js"
import { LibraryAccess } from "../library/LibraryAccess.js"
import * as J from "./ContentJson.js"
import { accessFilter } from "./Listing.js"
import { accessKey, countedPage, type Paging, pagingOf } from "./Query.js"

const marksTag = (userId: UserId | string) => `marks:${userId}`
const Row = Schema.Struct({ rating: Schema.NullOr(Schema.Number), favorite: Schema.Boolean })
const decode = decodeRows(Row)

interface ListKey {
  readonly user: string
  readonly access: string
  readonly limit: number
  readonly offset: number
}

export class UserMarks extends Context.Tag("@mediaserver/content/UserMarks")<
  UserMarks,
  {
    readonly get: (userId: UserId, target: MarkTarget, id: string) => Effect.Effect<UserMark, DatabaseError>
    /** `rating` null clears it. */
    readonly setRating: (userId: UserId, target: MarkTarget, id: string, rating: number | null) => Effect.Effect<UserMark, DatabaseError>
    readonly setFavorite: (userId: UserId, target: MarkTarget, id: string, favorite: boolean) => Effect.Effect<UserMark, DatabaseError>
    readonly favoriteMovies: (user: Principal, paging: Paging) => Effect.Effect<MoviePage, DatabaseError>
    readonly favoriteSeries: (user: Principal, paging: Paging) => Effect.Effect<SeriesPage, DatabaseError>
  }
>() {
  static readonly layer = Layer.scoped(
    UserMarks,
    Effect.gen(function* () {
      const sql = yield* PgClient.PgClient
      const access = yield* LibraryAccess
      const store = yield* CacheStore
      const listCache = <P, I>(namespace: string, schema: Schema.Schema<P, I>) =>
        CacheAside.make({
          namespace,
          schema,
          ttl: { l1: "30 seconds", l2: "10 minutes" },
          key: (k: ListKey) => JSON.stringify(k),
          tags: (k) => [marksTag(k.user)]
        })
      const movieFavorites = yield* listCache("marks-favorite-movies", MoviePage)
      const seriesFavorites = yield* listCache("marks-favorite-series", SeriesPage)

      const column = (target: MarkTarget) => sql.literal(target === "movie" ? "movie_id" : "series_id")
      const one = (rows: ReadonlyArray<typeof Row.Type>) =>
        new UserMark({ rating: rows[0]?.rating ?? null, favorite: rows[0]?.favorite ?? false })

      const get = (userId: UserId, target: MarkTarget, id: string) =>
        sql`SELECT rating, favorite FROM user_marks WHERE user_id = ${userId} AND ${column(target)} = ${id}`.pipe(
          Effect.flatMap(decode),
          Effect.map(one),
          wrapSql("userMarks.get")
        )

      // One upsert for both fields: `set` names the column written, the other keeps its value.
      const write = (userId: UserId, target: MarkTarget, id: string, set: "rating" | "favorite", value: number | boolean | null) =>
        sql`
          INSERT INTO user_marks AS u (user_id, ${column(target)}, rating, favorite)
          VALUES (${userId}, ${id}, ${set === "rating" ? value : null}, ${set === "favorite" ? value : false})
          ON CONFLICT (user_id, ${column(target)}) WHERE ${column(target)} IS NOT NULL DO UPDATE
          SET ${sql.literal(set)} = EXCLUDED.${sql.literal(set)}, updated_at = now()
          RETURNING rating, favorite
        `.pipe(
          Effect.flatMap(decode),
          Effect.map(one),
          wrapSql("userMarks.write"),
          Effect.tap(() => store.invalidateTag(marksTag(userId)))
        )

      // The caller's favourites of one kind that they may still see, most recently marked first.
      const favorites = <A, I, P>(
        cached: CacheAside.CacheAside<ListKey, P>,
        target: MarkTarget,
        shape: string,
        schema: Schema.Schema<A, I>,
        toPage: (page: { items: ReadonlyArray<A>; total: number; limit: number; offset: number; nextCursor: null }) => P
      ) =>
      (user: Principal, paging: Paging) =>
        Effect.flatMap(access.accessible(user), (accessible) => {
          const [table, a] = target === "movie" ? ["movies", "m"] : ["series", "s"]
          return cached.get(
            { user: user.userId, access: accessKey(accessible), ...pagingOf(paging) },
            countedPage(sql, {
              shape,
              from: `user_marks u JOIN ${table} ${a} ON ${a}.id = u.${target === "movie" ? "movie_id" : "series_id"}`,
              where: sql.and([sql`u.user_id = ${user.userId}`, sql`u.favorite`, accessFilter(sql, `${a}.library_id`, accessible)]),
              order: `u.updated_at DESC, ${a}.id`,
              schema,
              paging,
              operation: "userMarks.favorites"
            }).pipe(Effect.map(toPage))
          )
        })

      return {
        get,
        setRating: (userId, target, id, rating) => write(userId, target, id, "rating", rating),
        setFavorite: (userId, target, id, favorite) => write(userId, target, id, "favorite", favorite),
        favoriteMovies: favorites(movieFavorites, "movie", J.movieSummary, MovieSummary, (p) => new MoviePage(p)),
        favoriteSeries: favorites(seriesFavorites, "series", J.seriesSummary, SeriesSummary, (p) => new SeriesPage(p))
      }
    })
  )
}
