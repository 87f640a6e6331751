/** TMDb bodies to the domain's metadata: the whole of what the TMDb module knows about its API's shapes. */
import {
  Certification,
  CollectionRef,
  type CreditKind,
  ExternalIds,
  type ImageKind,
  MetadataCollection,
  MetadataCredit,
  MetadataEpisode,
  MetadataImage,
  MetadataMovie,
  MetadataPerson,
  MetadataSeason,
  MetadataSeries,
  NamedRef,
  PersonCredit,
  SearchPage,
  SearchResult,
  SeasonSummary
} from "@mediaserver/domain"
import type * as T from "./TmdbSchemas.js"

export const PROVIDER = "tmdb"

const text = (value: string | null): string | null => (value === null || value.trim() === "" ? null : value)
const yearOf = (date: string | null): number | null => {
  const year = date === null ? NaN : Number(date.slice(0, 4))
  return Number.isInteger(year) && year > 0 ? year : null
}
const date = (value: string | null): string | null => (value !== null && /^\d{4}-\d{2}-\d{2}$/.test(value) ? value : null)

/** Genre id -> name, from TMDb's genre lists. */
export type GenreNames = ReadonlyMap<number, string>
export const genreNames = (...lists: ReadonlyArray<T.GenreList>): GenreNames =>
  new Map(lists.flatMap((list) => list.genres.map((g): [number, string] => [g.id, g.name])))

export const searchPage = (body: T.SearchResults, fallback: "movie" | "tv" | "person", genres: GenreNames = new Map()): SearchPage =>
  new SearchPage({
    page: body.page ?? 1,
    totalPages: body.total_pages ?? 1,
    totalResults: body.total_results ?? body.results.length,
    results: body.results.map((item) => searchResult(item, fallback, genres))
  })

export const searchResult = (item: T.SearchItem, fallback: "movie" | "tv" | "person", genres: GenreNames = new Map()): SearchResult => {
  const mediaType = item.media_type === "movie" || item.media_type === "tv" || item.media_type === "person" ? item.media_type : fallback
  const released = date(item.release_date ?? item.first_air_date)
  return new SearchResult({
    id: String(item.id),
    mediaType,
    title: item.title ?? item.name ?? "",
    originalTitle: text(item.original_title ?? item.original_name),
    year: yearOf(released),
    date: released,
    overview: text(item.overview),
    posterPath: item.poster_path ?? item.profile_path,
    popularity: item.popularity,
    voteAverage: item.vote_average,
    genres: item.genre_ids.flatMap((id) => {
      const name = genres.get(id)
      return name === undefined ? [] : [name]
    })
  })
}

const imagesOf = (images: T.Images | null): ReadonlyArray<MetadataImage> => {
  if (images === null) return []
  const kinds: ReadonlyArray<readonly [ImageKind, ReadonlyArray<typeof T.Image.Type>]> = [
    ["poster", images.posters],
    ["backdrop", images.backdrops],
    ["logo", images.logos],
    ["still", images.stills],
    ["profile", images.profiles]
  ]
  return kinds.flatMap(([kind, list]) =>
    list.map((image) =>
      new MetadataImage({
        kind,
        path: image.file_path,
        language: image.iso_639_1,
        width: image.width ?? 0,
        height: image.height ?? 0,
        voteAverage: image.vote_average ?? 0
      })
    )
  )
}

const credit = (kind: CreditKind) => (c: T.Credit, index: number) =>
  new MetadataCredit({
    personId: String(c.id),
    name: c.name,
    kind,
    character: text(c.character),
    department: text(c.department),
    job: text(c.job),
    order: c.order ?? index,
    profilePath: c.profile_path,
    knownForDepartment: c.known_for_department
  })

const creditsOf = (credits: typeof T.Credits.Type | null): ReadonlyArray<MetadataCredit> =>
  credits === null ? [] : [...credits.cast.map(credit("cast")), ...credits.crew.map(credit("crew")), ...credits.guest_stars.map(credit("guest"))]

const named = (n: typeof T.Named.Type) =>
  new NamedRef({ id: String(n.id), name: n.name, logoPath: n.logo_path, originCountry: n.origin_country })

const externalIds = (id: string, ids: typeof T.ExternalIds.Type | null, imdb: string | null = null) =>
  new ExternalIds({
    tmdb: id,
    imdb: text(ids?.imdb_id ?? imdb),
    tvdb: ids?.tvdb_id === null || ids?.tvdb_id === undefined ? null : String(ids.tvdb_id),
    wikidata: text(ids?.wikidata_id ?? null)
  })

/** The first image of a kind in the body's language, else any: TMDb's own pick when there is no `*_path`. */
const firstImage = (images: ReadonlyArray<MetadataImage>, kind: ImageKind, language: string | null) =>
  (images.find((i) => i.kind === kind && i.language === language) ?? images.find((i) => i.kind === kind))?.path ?? null

const titled = (body: T.Movie | T.Tv, images: ReadonlyArray<MetadataImage>, language: string | null) => ({
  provider: PROVIDER,
  id: String(body.id),
  originalLanguage: body.original_language,
  overview: text(body.overview),
  tagline: text(body.tagline),
  rating: body.vote_average,
  voteCount: body.vote_count,
  popularity: body.popularity,
  status: text(body.status),
  homepage: text(body.homepage),
  posterPath: body.poster_path,
  backdropPath: body.backdrop_path,
  logoPath: firstImage(images, "logo", language),
  genres: body.genres.map(named),
  studios: body.production_companies.map(named),
  credits: creditsOf(body.credits),
  images
})

/** Each country's first non-empty certification (the refresh shows the library's country's, else the US one). */
const movieCertifications = (body: T.Movie): ReadonlyArray<Certification> =>
  (body.release_dates?.results ?? []).flatMap((country) => {
    const rating = country.release_dates.map((r) => text(r.certification)).find((c) => c !== null)
    return rating === undefined || rating === null ? [] : [new Certification({ country: country.iso_3166_1, rating })]
  })

/** Search finds a title by these: each once, without the title and original title, at most MAX_ALTERNATIVE_TITLES. */
const MAX_ALTERNATIVE_TITLES = 50
const alternativeTitles = (known: ReadonlyArray<string | null>, listed: ReadonlyArray<{ readonly title: string }>): ReadonlyArray<string> => {
  const seen = new Set(known.flatMap((t) => (t === null ? [] : [t.trim().toLowerCase()])))
  const out: Array<string> = []
  for (const { title } of listed) {
    const trimmed = title.trim()
    if (trimmed === "" || seen.has(trimmed.toLowerCase())) continue
    seen.add(trimmed.toLowerCase())
    out.push(trimmed)
    if (out.length === MAX_ALTERNATIVE_TITLES) break
  }
  return out
}

export const movie = (body: T.Movie, language: string | null): MetadataMovie => {
  const images = imagesOf(body.images)
  const collection = body.belongs_to_collection
  return new MetadataMovie({
    ...titled(body, images, language),
    title: body.title,
    originalTitle: text(body.original_title),
    alternativeTitles: alternativeTitles([body.title, body.original_title], body.alternative_titles?.titles ?? []),
    certifications: movieCertifications(body),
    externalIds: externalIds(String(body.id), body.external_ids, body.imdb_id),
    releaseDate: date(body.release_date),
    runtimeMinutes: body.runtime,
    budget: body.budget,
    revenue: body.revenue,
    collection: collection === null
      ? null
      : new CollectionRef({ id: String(collection.id), name: collection.name, posterPath: collection.poster_path, backdropPath: collection.backdrop_path })
  })
}

export const series = (body: T.Tv, language: string | null): MetadataSeries => {
  const images = imagesOf(body.images)
  const creators = body.created_by.map((c, index) =>
    new MetadataCredit({
      personId: String(c.id), name: c.name, kind: "crew", character: null, department: "Writing", job: "Creator",
      order: index, profilePath: c.profile_path, knownForDepartment: null
    }))
  const base = titled(body, images, language)
  return new MetadataSeries({
    ...base,
    credits: [...base.credits, ...creators],
    title: body.name,
    originalTitle: text(body.original_name),
    alternativeTitles: alternativeTitles([body.name, body.original_name], body.alternative_titles?.results ?? []),
    certifications: (body.content_ratings?.results ?? []).flatMap((r) =>
      r.rating === null || r.rating === "" ? [] : [new Certification({ country: r.iso_3166_1, rating: r.rating })]),
    externalIds: externalIds(String(body.id), body.external_ids),
    firstAirDate: date(body.first_air_date),
    lastAirDate: date(body.last_air_date),
    episodeRuntimeMinutes: body.episode_run_time[0] ?? null,
    networks: body.networks.map(named),
    seasons: body.seasons.map((s) =>
      new SeasonSummary({
        id: String(s.id), seasonNumber: s.season_number, name: text(s.name), overview: text(s.overview),
        airDate: date(s.air_date), posterPath: s.poster_path, episodeCount: s.episode_count ?? (s.episodes.length || null)
      }))
  })
}

export const episode = (body: T.Episode): MetadataEpisode =>
  new MetadataEpisode({
    id: String(body.id),
    seasonNumber: body.season_number,
    episodeNumber: body.episode_number,
    title: text(body.name),
    overview: text(body.overview),
    airDate: date(body.air_date),
    runtimeMinutes: body.runtime,
    rating: body.vote_average,
    voteCount: body.vote_count,
    stillPath: body.still_path,
    credits: [...body.guest_stars.map(credit("guest")), ...body.crew.map(credit("crew"))],
    images: imagesOf(body.images)
  })

export const season = (body: T.Season): MetadataSeason =>
  new MetadataSeason({
    id: String(body.id),
    seasonNumber: body.season_number,
    name: text(body.name),
    overview: text(body.overview),
    airDate: date(body.air_date),
    posterPath: body.poster_path,
    episodes: body.episodes.map(episode),
    images: imagesOf(body.images)
  })

const personCredit = (c: T.PersonCredit) => {
  const released = date(c.release_date ?? c.first_air_date)
  return new PersonCredit({
    mediaType: c.media_type === "tv" ? "tv" : "movie",
    id: String(c.id),
    title: c.title ?? c.name ?? "",
    character: text(c.character),
    department: text(c.department),
    job: text(c.job),
    year: yearOf(released),
    posterPath: c.poster_path,
    popularity: c.popularity
  })
}

const KNOWN_FOR = 10

export const person = (body: T.Person): MetadataPerson => {
  const credits = body.combined_credits === null ? [] : [...body.combined_credits.cast, ...body.combined_credits.crew]
  // One entry per title (a person may both act in and direct it), most popular first.
  const titles = new Map(credits.map((c) => [`${c.media_type}/${c.id}`, c]))
  const knownFor = [...titles.values()]
    .sort((a, b) => (b.popularity ?? 0) - (a.popularity ?? 0))
    .slice(0, KNOWN_FOR)
    .map(personCredit)
  return new MetadataPerson({
    provider: PROVIDER,
    id: String(body.id),
    name: body.name,
    biography: text(body.biography),
    birthday: date(body.birthday),
    deathday: date(body.deathday),
    placeOfBirth: text(body.place_of_birth),
    gender: body.gender,
    knownForDepartment: text(body.known_for_department),
    profilePath: body.profile_path,
    popularity: body.popularity,
    imdbId: text(body.imdb_id),
    alsoKnownAs: body.also_known_as,
    knownFor,
    images: imagesOf(body.images)
  })
}

export const personCredits = (body: typeof T.PersonCredits.Type): ReadonlyArray<PersonCredit> =>
  [...body.cast, ...body.crew].map(personCredit)

export const collection = (body: T.Collection, genres: GenreNames): MetadataCollection =>
  new MetadataCollection({
    id: String(body.id),
    name: body.name,
    overview: text(body.overview),
    posterPath: body.poster_path,
    backdropPath: body.backdrop_path,
    parts: body.parts.map((p) => searchResult(p, "movie", genres))
  })
