/**
 * What the name parser answers, in a file of its own below the parser's parts (NameParser,
 * NameTokens, EpisodeNumbers) so that they all use these types without importing each other in a loop.
 */
export type LibraryKind = "movie" | "tvshow"

export interface ProviderIds {
  readonly tmdb?: string
  readonly imdb?: string
  readonly tvdb?: string
}

export type ParsedPath =
  | { readonly kind: "ignore"; readonly reason: string }
  | {
    readonly kind: "movie"
    readonly title: string
    readonly year: number | null
    readonly providerIds: ProviderIds
    readonly part: number | null
    readonly edition: string | null
    readonly version: string | null
    /** the folder that holds this movie's files (its own folder, or the root for a flat file) */
    readonly itemDir: string
  }
  | {
    readonly kind: "episode"
    readonly seriesTitle: string
    readonly seriesYear: number | null
    readonly seriesProviderIds: ProviderIds
    /** absolute path of the series folder (first folder under the root) */
    readonly seriesDir: string
    readonly season: number | null
    readonly episodes: ReadonlyArray<number>
    readonly absoluteEpisode: number | null
    readonly airDate: string | null
    readonly part: number | null
    readonly episodeTitle: string | null
  }
