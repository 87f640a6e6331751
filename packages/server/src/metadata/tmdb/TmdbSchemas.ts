/**
 * TMDb v3 response shapes, only the fields we read. Every field may be absent or null (TMDb leaves
 * out what it does not know); both read as null.
 */
import { Schema } from "effect"

const opt = <A, I>(schema: Schema.Schema<A, I>) => Schema.optionalWith(Schema.NullOr(schema), { default: () => null })
const list = <A, I>(schema: Schema.Schema<A, I>) =>
  Schema.optionalWith(Schema.Array(schema), { nullable: true, default: () => [] })
const S = opt(Schema.String)
const N = opt(Schema.Number)

export const Id = Schema.Union(Schema.Number, Schema.String)

export const Image = Schema.Struct({
  file_path: Schema.String,
  iso_639_1: S,
  width: N,
  height: N,
  vote_average: N
})
export const Images = Schema.Struct({
  posters: list(Image),
  backdrops: list(Image),
  logos: list(Image),
  stills: list(Image),
  profiles: list(Image)
})
export type Images = typeof Images.Type

export const Credit = Schema.Struct({
  id: Id,
  name: Schema.String,
  character: S,
  department: S,
  job: S,
  order: N,
  profile_path: S,
  known_for_department: S
})
export type Credit = typeof Credit.Type
export const Credits = Schema.Struct({ cast: list(Credit), crew: list(Credit), guest_stars: list(Credit) })

export const ExternalIds = Schema.Struct({
  imdb_id: S,
  tvdb_id: opt(Id),
  wikidata_id: S
})

export const Named = Schema.Struct({ id: Id, name: Schema.String, logo_path: S, origin_country: S })

export const SearchItem = Schema.Struct({
  id: Id,
  media_type: S,
  title: S,
  name: S,
  original_title: S,
  original_name: S,
  release_date: S,
  first_air_date: S,
  overview: S,
  poster_path: S,
  profile_path: S,
  popularity: N,
  vote_average: N,
  genre_ids: list(Schema.Number)
})
export type SearchItem = typeof SearchItem.Type
export const SearchResults = Schema.Struct({
  page: N,
  total_pages: N,
  total_results: N,
  results: list(SearchItem)
})
export type SearchResults = typeof SearchResults.Type

const titled = {
  id: Id,
  original_language: S,
  overview: S,
  tagline: S,
  vote_average: N,
  vote_count: N,
  popularity: N,
  status: S,
  homepage: S,
  poster_path: S,
  backdrop_path: S,
  genres: list(Named),
  production_companies: list(Named),
  credits: opt(Credits),
  images: opt(Images),
  external_ids: opt(ExternalIds)
}

/** Other titles a movie (`titles`) or a series (`results`) is known by, per country. */
const AlternativeTitle = Schema.Struct({ title: Schema.String })

export const Movie = Schema.Struct({
  ...titled,
  title: Schema.String,
  original_title: S,
  alternative_titles: opt(Schema.Struct({ titles: list(AlternativeTitle) })),
  imdb_id: S,
  release_date: S,
  runtime: N,
  budget: N,
  revenue: N,
  belongs_to_collection: opt(Schema.Struct({ id: Id, name: Schema.String, poster_path: S, backdrop_path: S })),
  release_dates: opt(Schema.Struct({
    results: list(Schema.Struct({
      iso_3166_1: Schema.String,
      release_dates: list(Schema.Struct({ certification: S, type: N }))
    }))
  }))
})
export type Movie = typeof Movie.Type

export const Episode = Schema.Struct({
  id: Id,
  season_number: Schema.Number,
  episode_number: Schema.Number,
  name: S,
  overview: S,
  air_date: S,
  runtime: N,
  vote_average: N,
  vote_count: N,
  still_path: S,
  crew: list(Credit),
  guest_stars: list(Credit),
  images: opt(Images)
})
export type Episode = typeof Episode.Type

export const Season = Schema.Struct({
  id: Id,
  season_number: Schema.Number,
  name: S,
  overview: S,
  air_date: S,
  poster_path: S,
  episode_count: N,
  episodes: list(Episode),
  images: opt(Images)
})
export type Season = typeof Season.Type

export const Tv = Schema.Struct({
  ...titled,
  name: Schema.String,
  original_name: S,
  alternative_titles: opt(Schema.Struct({ results: list(AlternativeTitle) })),
  first_air_date: S,
  last_air_date: S,
  episode_run_time: list(Schema.Number),
  networks: list(Named),
  created_by: list(Schema.Struct({ id: Id, name: Schema.String, profile_path: S })),
  seasons: list(Season),
  content_ratings: opt(Schema.Struct({ results: list(Schema.Struct({ iso_3166_1: Schema.String, rating: S })) }))
})
export type Tv = typeof Tv.Type

export const PersonCredit = Schema.Struct({
  id: Id,
  media_type: S,
  title: S,
  name: S,
  character: S,
  department: S,
  job: S,
  release_date: S,
  first_air_date: S,
  poster_path: S,
  popularity: N
})
export type PersonCredit = typeof PersonCredit.Type
export const PersonCredits = Schema.Struct({ cast: list(PersonCredit), crew: list(PersonCredit) })

export const Person = Schema.Struct({
  id: Id,
  name: Schema.String,
  biography: S,
  birthday: S,
  deathday: S,
  place_of_birth: S,
  gender: N,
  known_for_department: S,
  profile_path: S,
  popularity: N,
  imdb_id: S,
  also_known_as: list(Schema.String),
  images: opt(Images),
  combined_credits: opt(PersonCredits)
})
export type Person = typeof Person.Type

export const Collection = Schema.Struct({
  id: Id,
  name: Schema.String,
  overview: S,
  poster_path: S,
  backdrop_path: S,
  parts: list(SearchItem)
})
export type Collection = typeof Collection.Type

export const Find = Schema.Struct({ movie_results: list(SearchItem), tv_results: list(SearchItem) })

export const GenreList = Schema.Struct({ genres: list(Schema.Struct({ id: Schema.Number, name: Schema.String })) })
export type GenreList = typeof GenreList.Type

export const Configuration = Schema.Struct({ images: Schema.Struct({ secure_base_url: Schema.String }) })
