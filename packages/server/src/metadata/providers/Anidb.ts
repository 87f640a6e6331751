/**
 * AniDB (HTTP API, `GET /httpapi?request=anime&client=&clientver=&protover=1&aid=`; XML, gzip-compressed):
 * an anime by its AniDB id (found through another provider's cross-linked ids, else by title in AniDB's
 * title dump, AnidbTitles.ts), with its titles in the
 * asked language, description, permanent rating, picture (flat paths `/anidb_...`), its MyAnimeList and
 * IMDb ids, and its episodes (regular ones as season 1, specials as season 0). AniDB's rules are strict
 * (one request per 2 s, the same anime at most once a day, bans for abuse), so every request takes a
 * slot shared by all nodes (SharedSlot) and every answer is kept in the shared database a day
 * (SharedAnswers), looked at again after the slot's wait: another node may have fetched it meanwhile.
 * Errors come as HTTP 200: `Banned` pauses every node (retryable after ANIDB_BAN_PAUSE), `Anime not
 * found` is not found, a refused client (`client version missing or invalid`) the key's refusal.
 */
import {
  ExternalIds,
  MetadataEpisode,
  MetadataImage,
  type MetadataMovie,
  MetadataSeason,
  type MetadataSeries,
  type ProviderError,
  ProviderRejected,
  ProviderUnavailable,
  RatingScore
} from "@mediaserver/domain"
import { Duration, Effect, Either, Option } from "effect"
import { gunzipSync } from "node:zlib"
import { AppConfig } from "../../config/AppConfig.js"
import { imagePath, imageUrl, type Lookup, type MetadataProvider, partialProvider, type ProviderAccess, requireKey } from "../provider/Provider.js"
import { ProviderHttp } from "../provider/ProviderHttp.js"
import { makeSharedAnswers } from "../provider/SharedAnswers.js"
import { makeSharedSlot } from "../provider/SharedSlot.js"
import { makeAnidbTitles } from "./AnidbTitles.js"
import { type AnidbAnime, type AnidbEpisode, type AnidbTitle, parseAnidb } from "./AnidbXml.js"
import { blankMovie, blankSeries } from "./Shared.js"

export const PROVIDER = "anidb"

const MAX_ANSWER_BYTES = 5 * 1024 * 1024
/** AniDB's resource types of the ids it links. */
const MAL = 2
const IMDB = 43
const REGULAR = 1
const SPECIAL = 2

/** The title in the language asked (official, else any), else the main (romanised) one. */
export const titleIn = (titles: ReadonlyArray<AnidbTitle>, language: string): string | null => {
  const inLanguage = titles.filter((t) => t.language === language.slice(0, 2))
  return (inLanguage.find((t) => t.type === "official" || t.type === "main") ?? titles.find((t) => t.type === "main") ?? titles[0])?.title ?? null
}

const externalIds = (anime: AnidbAnime) => {
  const imdb = (anime.resources.get(IMDB) ?? []).find((id) => /^tt\d+$/.test(id)) ?? null
  return new ExternalIds({ tmdb: null, imdb, tvdb: null, wikidata: null, anidb: anime.id, mal: anime.resources.get(MAL)?.[0] ?? null })
}

const common = (anime: AnidbAnime, imageBase: string) => {
  const poster = anime.picture === null ? null : imagePath(PROVIDER, `${imageBase}/images/main/${anime.picture}`)
  return {
    originalTitle: titleIn(anime.titles.filter((t) => t.type !== "synonym" && t.type !== "short"), "ja"),
    originalLanguage: "ja",
    overview: anime.description,
    homepage: anime.url,
    rating: anime.rating?.value ?? null,
    voteCount: anime.rating?.votes ?? null,
    posterPath: poster,
    images: poster === null ? [] : [new MetadataImage({ kind: "poster", path: poster, language: null, width: 240, height: 340, voteAverage: 0 })],
    ratings: anime.rating === null ? [] : [new RatingScore({ source: "anidb", value: anime.rating.value, max: 10, votes: anime.rating.votes })],
    externalIds: externalIds(anime)
  }
}

const firstLength = (anime: AnidbAnime) => anime.episodes.find((e) => e.type === REGULAR)?.lengthMinutes ?? null

export const series = (anime: AnidbAnime, language: string, imageBase: string): MetadataSeries =>
  blankSeries(PROVIDER, anime.id, titleIn(anime.titles, language) ?? "", {
    ...common(anime, imageBase), firstAirDate: anime.startDate, lastAirDate: anime.endDate, episodeRuntimeMinutes: firstLength(anime)
  })

export const movie = (anime: AnidbAnime, language: string, imageBase: string): MetadataMovie =>
  blankMovie(PROVIDER, anime.id, titleIn(anime.titles, language) ?? "", {
    ...common(anime, imageBase), releaseDate: anime.startDate, runtimeMinutes: firstLength(anime)
  })

/** AniDB numbers one entry's episodes from 1 (its own absolute order): regular ones are season 1, specials season 0. */
const seasonOf = (e: AnidbEpisode) => (e.type === REGULAR ? 1 : e.type === SPECIAL ? 0 : null)

export const episode = (e: AnidbEpisode, language: string): MetadataEpisode =>
  new MetadataEpisode({
    id: e.id, seasonNumber: seasonOf(e) ?? 0, episodeNumber: e.number, title: titleIn(e.titles, language), overview: e.summary,
    airDate: e.airDate, runtimeMinutes: e.lengthMinutes, rating: e.rating, voteCount: null, stillPath: null, credits: [], images: []
  })

const BANNED = "every node pauses"
const isBan = (e: ProviderError) => e._tag === "ProviderUnavailable" && e.message.endsWith(BANNED)

/**
 * An answer as the anime, or its error (AniDB's errors come with HTTP 200): a ban is retryable after the
 * pause, `Anime not found` not found, a refused client the key's refusal (401-like), the rest retryable.
 */
export const readAnswer = (aid: string, xml: string, banPauseMs: number): Either.Either<AnidbAnime, ProviderError> => {
  const answer = parseAnidb(xml)
  if (answer.kind === "anime") return Either.right(answer.anime)
  if (answer.kind === "unreadable") return Either.left(new ProviderRejected({ provider: PROVIDER, reason: "invalid", message: `anime ${aid}: unreadable answer` }))
  const message = `anime ${aid}: AniDB answered "${answer.message}"`
  if (/banned/i.test(answer.message)) return Either.left(new ProviderUnavailable({ provider: PROVIDER, message: `${message}; ${BANNED}`, retryAfterMs: banPauseMs }))
  if (/not found/i.test(answer.message)) return Either.left(new ProviderRejected({ provider: PROVIDER, reason: "not_found", message }))
  if (/client/i.test(answer.message)) return Either.left(new ProviderRejected({ provider: PROVIDER, reason: "unauthorized", message }))
  return Either.left(new ProviderUnavailable({ provider: PROVIDER, message }))
}

const gunzipped = (bytes: Uint8Array) =>
  Effect.try({
    // AniDB compresses every answer; a plain one (a proxy that already decompressed) is read as it is.
    try: () => new TextDecoder().decode(bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes),
    catch: () => new ProviderRejected({ provider: PROVIDER, reason: "invalid", message: "the answer is not valid gzip" })
  })

export const makeAnidb = (access: ProviderAccess) =>
  Effect.gen(function* () {
    const config = yield* AppConfig
    const http = yield* ProviderHttp
    const baseUrl = config.anidb.baseUrl
    const endpoint = yield* http.endpoint({
      name: PROVIDER, baseUrl, timeout: config.anidb.timeout, ratePerSecond: config.anidb.rateLimit, retryInPlace: false
    })
    // Images come from AniDB's CDN, not its API: their own limiter, so a download never delays an API call past its slot.
    const cdn = yield* http.endpoint({ name: PROVIDER, baseUrl: config.anidbImageBaseUrl, timeout: config.anidb.timeout, ratePerSecond: config.anidb.rateLimit })
    const slot = yield* makeSharedSlot(PROVIDER, config.anidbRequestInterval, config.anidbMaxWait)
    const answers = yield* makeSharedAnswers(PROVIDER)
    const titles = yield* makeAnidbTitles({ endpoint, slot, answers, url: config.anidbTitlesUrl, maxAge: config.anidbCacheTtl })
    const kept = (key: string) =>
      answers.get(key, config.anidbCacheTtl).pipe(
        Effect.mapError((e) => new ProviderUnavailable({ provider: PROVIDER, message: `kept answers unavailable: ${e.message}` }))
      )

    const read = (aid: string, xml: string): Effect.Effect<AnidbAnime, ProviderError> =>
      Either.match(readAnswer(aid, xml, Duration.toMillis(config.anidbBanPause)), {
        onRight: Effect.succeed,
        // A ban stops every node, not only this call.
        onLeft: (e) => (isBan(e) ? Effect.zipRight(slot.pause(config.anidbBanPause), Effect.fail(e)) : Effect.fail(e))
      })

    const anime = (aid: string): Effect.Effect<AnidbAnime, ProviderError> =>
      Effect.gen(function* () {
        const key = `anime:${aid}`
        const before = yield* kept(key)
        if (Option.isSome(before)) return yield* read(aid, before.value)
        const client = yield* requireKey(PROVIDER, access)
        yield* slot.take
        // Another node (or call) may have fetched it while this one waited for its slot.
        const meanwhile = yield* kept(key)
        if (Option.isSome(meanwhile)) return yield* read(aid, meanwhile.value)
        const query = new URLSearchParams({ request: "anime", client, clientver: config.anidbClientVersion, protover: "1", aid })
        const fetched = yield* endpoint.bytes(`${baseUrl}?${query.toString()}`, MAX_ANSWER_BYTES)
        const xml = yield* gunzipped(fetched.bytes)
        const parsed = yield* read(aid, xml)
        yield* answers.put(key, xml).pipe(Effect.catchAll((e) => Effect.logWarning(`anidb: answer for ${aid} not kept: ${e.message}`)))
        return parsed
      }).pipe(access.refused)

    const numbered = (aid: string, seasonNumber: number, lookup: Lookup) =>
      Effect.map(anime(aid), (a) => a.episodes.filter((e) => seasonOf(e) === seasonNumber).map((e) => episode(e, lookup.language)))

    const provider: MetadataProvider = {
      ...partialProvider(PROVIDER, endpoint),
      // By its id (another provider's cross-link), else an anime's title through AniDB's title dump.
      resolveId: (ids, _kind, item) =>
        ids.anidb !== null
          ? Effect.succeed(Option.some(ids.anidb))
          : item.originalLanguage === "ja"
          ? Effect.flatMap(requireKey(PROVIDER, access), () => titles.match(item.title))
          : Effect.succeed(Option.none()),
      tv: (aid, lookup) => Effect.map(anime(aid), (a) => series(a, lookup.language, config.anidbImageBaseUrl)),
      movie: (aid, lookup) => Effect.map(anime(aid), (a) => movie(a, lookup.language, config.anidbImageBaseUrl)),
      season: (aid, seasonNumber, lookup) =>
        seasonNumber > 1
          ? Effect.fail(new ProviderRejected({ provider: PROVIDER, reason: "invalid", message: `AniDB entries have one season (asked ${seasonNumber})` }))
          : Effect.map(numbered(aid, seasonNumber, lookup), (episodes) =>
            new MetadataSeason({ id: `${aid}:${seasonNumber}`, seasonNumber, name: null, overview: null, airDate: null, posterPath: null, images: [], episodes })),
      episode: (aid, seasonNumber, episodeNumber, lookup) =>
        Effect.flatMap(numbered(aid, seasonNumber, lookup), (episodes) => {
          const found = episodes.find((e) => e.episodeNumber === episodeNumber)
          return found === undefined
            ? Effect.fail(new ProviderRejected({ provider: PROVIDER, reason: "not_found", message: `AniDB: anime ${aid} has no S${seasonNumber}E${episodeNumber}` }))
            : Effect.succeed(found)
        }),
      image: (path, maxBytes) =>
        Option.match(imageUrl(PROVIDER, config.anidbImageBaseUrl, path), {
          onNone: () => Effect.fail(new ProviderRejected({ provider: PROVIDER, reason: "invalid", message: `${path} is not an AniDB image` })),
          onSome: (url) => cdn.bytes(url, maxBytes)
        })
    }
    return provider
  })
