/**
 * What differs between Radarr and Sonarr, as data: the title resource, where a title's files come
 * from, which external ids match it, and the lookup/add of a new title. Everything else (client,
 * sync, webhooks, admin) is the one *arr base.
 */
import { type AddArrTitle, type ArrApp, Unprocessable } from "@mediaserver/domain"
import { Effect } from "effect"

export interface ArrAppSpec {
  readonly app: ArrApp
  /** Our item a title of this app becomes. */
  readonly titleKind: "movie" | "series"
  readonly titlesPath: "/movie" | "/series"
  /** Radarr embeds a movie's file in the movie; Sonarr lists a series' episode files separately. */
  readonly filesOf: "embedded" | { readonly path: string; readonly param: string }
  /** The app's lookup of a title to add (by TMDb id for Radarr, TVDb id for Sonarr). */
  readonly lookup: (request: AddArrTitle) => Effect.Effect<{ readonly path: string; readonly query: Readonly<Record<string, string>> }, Unprocessable>
  readonly addOptions: (search: boolean) => Readonly<Record<string, unknown>>
}

const needs = (field: string) => new Unprocessable({ message: `${field} is required`, details: { field } })

export const arrApps: Readonly<Record<ArrApp, ArrAppSpec>> = {
  radarr: {
    app: "radarr",
    titleKind: "movie",
    titlesPath: "/movie",
    filesOf: "embedded",
    lookup: (request) =>
      request.tmdbId === undefined
        ? Effect.fail(needs("tmdbId"))
        : Effect.succeed({ path: "/movie/lookup/tmdb", query: { tmdbId: String(request.tmdbId) } }),
    addOptions: (search) => ({ searchForMovie: search })
  },
  sonarr: {
    app: "sonarr",
    titleKind: "series",
    titlesPath: "/series",
    filesOf: { path: "/episodefile", param: "seriesId" },
    lookup: (request) =>
      request.tvdbId === undefined
        ? Effect.fail(needs("tvdbId"))
        : Effect.succeed({ path: "/series/lookup", query: { term: `tvdb:${request.tvdbId}` } }),
    addOptions: (search) => ({ searchForMissingEpisodes: search })
  }
}
