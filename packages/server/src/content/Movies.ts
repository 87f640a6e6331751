/**
 * Movies and collections as users browse them. Details (with cast, crew, genres, studios, collection
 * and files: read on every playback start) are cached per movie, tagged `movie:<id>`; listings per
 * access set and query; a movie's similar titles and a collection's movies are cached whole and
 * filtered by the caller's access on the way out. See ContentCache for what drops them.
 */
import { PgClient } from "@effect/sql-pg"
import {
  type BadRequest,
  CollectionDetails,
  type CollectionId,
  CollectionSummary,
  type DatabaseError,
  type ListQuery,
  MovieDetails,
  type MovieId,
  MoviePage,
  MovieSummary,
  type NotFound,
  type Principal
} from "@mediaserver/domain"
import { Context, Effect, Layer, Option, Schema } from "effect"
import { CacheAside } from "../cache/index.js"
import { type Accessible, isAccessible, LibraryAccess } from "../library/LibraryAccess.js"
import { collectionTag, movieTag } from "./ContentCache.js"
import * as J from "./ContentJson.js"
import { makeLister } from "./Listing.js"
import { decodeJson, first, notFound, type Paging, slicePage, visibleTo } from "./Query.js"

const SIMILAR_KEPT = 50

const movieDetails = `(${J.movieSummary})::jsonb || jsonb_build_object(
  'originalTitle', m.original_title, 'originalLanguage', m.original_language, 'overview', m.overview,
  'tagline', m.tagline, 'status', m.status, 'voteCount', m.vote_count, 'edition', m.edition,
  'tmdbId', m.tmdb_id, 'imdbId', m.imdb_id, 'logoPath', m.logo_path,
  'genres', ${J.genresOf("movie_genres", "movie_id", "m.id")},
  'studios', ${J.list(J.company, "FROM movie_studios j JOIN companies co ON co.id = j.company_id WHERE j.movie_id = m.id", "j.position")},
  'collection', (SELECT ${J.collectionSummary} FROM collections col WHERE col.id = m.collection_id),
  'cast', ${J.castOf("movie_id", "m.id")},
  'crew', ${J.crewOf("movie_id", "m.id")},
  'files', ${J.list(J.mediaFile, "FROM media_files f WHERE f.movie_id = m.id", "f.part NULLS FIRST, f.path")})`

const collectionWithMovies = `json_build_object(
  'collection', ${J.collectionSummary},
  'movies', ${J.list(J.movieSummary, "FROM movies m WHERE m.collection_id = col.id", "m.release_date NULLS LAST, m.sort_title, m.id")})`

const Collection = Schema.Struct({ collection: CollectionSummary, movies: Schema.Array(MovieSummary) })
type Collection = typeof Collection.Type

const visible = (accessible: Accessible, movies: ReadonlyArray<MovieSummary>) =>
  movies.filter((movie) => isAccessible(accessible, movie.libraryId))

export class Movies extends Context.Tag("@mediaserver/content/Movies")<
  Movies,
  {
    readonly list: (user: Principal, query: ListQuery) => Effect.Effect<MoviePage, BadRequest | DatabaseError>
    /** Details of a movie the caller may see; NotFound otherwise (no existence leak). */
    readonly get: (user: Principal, id: MovieId) => Effect.Effect<MovieDetails, NotFound | DatabaseError>
    readonly similar: (user: Principal, id: MovieId, paging: Paging) => Effect.Effect<ReadonlyArray<MovieSummary>, NotFound | DatabaseError>
    readonly collectionOf: (user: Principal, id: MovieId) => Effect.Effect<CollectionDetails, NotFound | DatabaseError>
    readonly collection: (user: Principal, id: CollectionId) => Effect.Effect<CollectionDetails, NotFound | DatabaseError>
    readonly collectionMovies: (user: Principal, id: CollectionId, paging: Paging) => Effect.Effect<MoviePage, NotFound | DatabaseError>
  }
>() {
  static readonly layer = Layer.scoped(
    Movies,
    Effect.gen(function* () {
      const sql = yield* PgClient.PgClient
      const access = yield* LibraryAccess
      const details = yield* CacheAside.make({
        namespace: "content-movie",
        schema: MovieDetails,
        ttl: { l1: "1 minute", l2: "10 minutes" },
        tags: (id: MovieId) => [movieTag(id)]
      })
      const list = yield* makeLister({
        namespace: "content-movie-lists",
        table: "movies",
        shape: J.movieSummary,
        schema: MovieSummary,
        pageSchema: MoviePage,
        toPage: (page) => new MoviePage(page)
      })
      const similarCache = yield* CacheAside.make({
        namespace: "content-movie-similar",
        schema: Schema.Array(MovieSummary),
        ttl: { l1: "1 minute", l2: "10 minutes" },
        tags: (id: MovieId) => [movieTag(id)]
      })
      const collections = yield* CacheAside.make({
        namespace: "content-collection",
        schema: Collection,
        ttl: { l1: "1 minute", l2: "10 minutes" },
        tags: (id: CollectionId) => [collectionTag(id)]
      })

      const get = (user: Principal, id: MovieId) =>
        details.getOption(
          id,
          sql`SELECT ${sql.literal(movieDetails)} AS j FROM movies m WHERE m.id = ${id}`.pipe(
            decodeJson(MovieDetails, "movies.get"),
            Effect.map(first)
          )
        ).pipe(
          Effect.flatMap(Option.match({ onNone: () => Effect.fail(notFound("movie", id)), onSome: visibleTo(access, user, "movie", id) }))
        )

      const similar = (user: Principal, id: MovieId, paging: Paging) =>
        Effect.gen(function* () {
          yield* get(user, id)
          const accessible = yield* access.accessible(user)
          const all = yield* similarCache.get(
            id,
            sql`
              SELECT ${sql.literal(J.movieSummary)} AS j FROM movies m
              JOIN (
                SELECT b.movie_id, count(*) AS shared FROM movie_genres a
                JOIN movie_genres b ON b.genre_id = a.genre_id AND b.movie_id <> a.movie_id
                WHERE a.movie_id = ${id} GROUP BY b.movie_id
              ) x ON x.movie_id = m.id
              ORDER BY x.shared DESC, coalesce(m.rating, -1) DESC, m.id LIMIT ${SIMILAR_KEPT}
            `.pipe(decodeJson(MovieSummary, "movies.similar"))
          )
          return slicePage(visible(accessible, all), paging).items
        })

      // A collection is visible when one of its movies is; counts and pages cover visible movies only.
      const visibleCollection = (user: Principal, id: CollectionId) =>
        Effect.gen(function* () {
          const found = yield* collections.getOption(
            id,
            sql`SELECT ${sql.literal(collectionWithMovies)} AS j FROM collections col WHERE col.id = ${id}`.pipe(
              decodeJson(Collection, "collections.get"),
              Effect.map(first)
            )
          )
          const accessible = yield* access.accessible(user)
          const shown = Option.map(found, (c): Collection => ({ collection: c.collection, movies: visible(accessible, c.movies) }))
          return yield* Option.match(Option.filter(shown, (c) => c.movies.length > 0), {
            onNone: () => Effect.fail(notFound("collection", id)),
            onSome: Effect.succeed
          })
        })
      const toDetails = (c: Collection) => new CollectionDetails({ ...c.collection, movieCount: c.movies.length })

      return {
        list,
        get,
        similar,
        collectionOf: (user, id) =>
          Effect.flatMap(get(user, id), (movie) =>
            movie.collection === null
              ? Effect.fail(notFound("collection of movie", id))
              : Effect.map(visibleCollection(user, movie.collection.id), toDetails)),
        collection: (user, id) => Effect.map(visibleCollection(user, id), toDetails),
        collectionMovies: (user, id, paging) =>
          Effect.map(visibleCollection(user, id), (c) => new MoviePage(slicePage(c.movies, paging)))
      }
    })
  )
}
