/**
 * The metadata providers of this node and their settings. Each provider's enabled flag, key, language
 * and priorities per field group come from an admin's settings (ProviderSettings) over the environment
 * (METADATA_PROVIDERS lists those enabled by default, in merge order; `<NAME>_API_KEY`). TMDb answers
 * lookups by its ids and comes first in every chain; the others enrich its answers (Merge.ts).
 * `GET /metadata/providers` shows each one's state; a provider that refused our key (401/403) keeps
 * that as its configuration error and is left out until an admin changes its settings.
 */
import {
  BadRequest,
  type DatabaseError,
  type FieldPriorities,
  NotFound,
  type ProviderError,
  ProviderRejected,
  ProviderStatus,
  ProviderUnavailable,
  type UpdateProviderSettings
} from "@mediaserver/domain"
import { Context, Duration, Effect, Layer, Option, Redacted } from "effect"
import { SecretBox } from "../auth/SecretBox.js"
import { AppConfig } from "../config/AppConfig.js"
import { makeAnidb } from "./providers/Anidb.js"
import { makeAnilist } from "./providers/Anilist.js"
import { makeFanart } from "./providers/Fanart.js"
import { makeKitsu } from "./providers/Kitsu.js"
import { makeMal } from "./providers/Mal.js"
import { makeOmdb } from "./providers/Omdb.js"
import { makeSimkl } from "./providers/Simkl.js"
import { makeTrakt } from "./providers/Trakt.js"
import { makeTvdb } from "./providers/Tvdb.js"
import { makeTvmaze } from "./providers/Tvmaze.js"
import { type StoredSettings, ProviderSettings } from "./ProviderSettings.js"
import { imageOwner, type MetadataProvider, type ProviderAccess } from "./provider/Provider.js"
import { ProviderHttp } from "./provider/ProviderHttp.js"
import { makeTmdb } from "./tmdb/Tmdb.js"

/** A usable provider with its priorities and language for the merge. */
export interface ChainLink {
  readonly provider: MetadataProvider
  readonly priorities: FieldPriorities
  /** The language to ask it in, else the item's. */
  readonly language: string | null
}
export type ProviderChain = readonly [ChainLink, ...ReadonlyArray<ChainLink>]

/** A provider the server knows, built or not. */
interface Registration {
  readonly name: string
  readonly needsKey: boolean
  readonly envKey: Option.Option<Redacted.Redacted<string>>
  readonly ratePerSecond: number
  /** Why it cannot be used at all (no public API), else null. */
  readonly unavailable: string | null
}

const LETTERBOXD =
  "Letterboxd offers no public API: its API is granted on request only and scraping is not allowed; skipped"

export class MetadataProviders extends Context.Tag("@mediaserver/metadata/MetadataProviders")<
  MetadataProviders,
  {
    /** TMDb first, then the other usable providers. */
    readonly chain: Effect.Effect<ProviderChain, ProviderError>
    /** The provider of this name when it is usable now. */
    readonly usable: (name: string) => Effect.Effect<Option.Option<MetadataProvider>, ProviderError>
    readonly statuses: Effect.Effect<ReadonlyArray<ProviderStatus>, DatabaseError>
    readonly update: (name: string, change: UpdateProviderSettings) => Effect.Effect<ProviderStatus, NotFound | BadRequest | DatabaseError>
    /** The provider an image path came from (by its prefix), else `primary`. */
    readonly ownerOf: (path: string, primary: string) => string
  }
>() {
  static readonly layer = Layer.scoped(
    MetadataProviders,
    Effect.gen(function* () {
      const config = yield* AppConfig
      const settings = yield* ProviderSettings
      const box = yield* SecretBox
      const tmdb: Registration = { name: "tmdb", needsKey: true, envKey: config.tmdbApiKey, ratePerSecond: config.tmdbRateLimit, unavailable: null }
      const omdb: Registration = { name: "omdb", needsKey: true, envKey: config.omdb.apiKey, ratePerSecond: config.omdb.rateLimit, unavailable: null }
      const tvmaze: Registration = { name: "tvmaze", needsKey: false, envKey: Option.none(), ratePerSecond: config.tvmaze.rateLimit, unavailable: null }
      const fanart: Registration = { name: "fanart", needsKey: true, envKey: config.fanart.apiKey, ratePerSecond: config.fanart.rateLimit, unavailable: null }
      const tvdb: Registration = { name: "tvdb", needsKey: true, envKey: config.tvdb.apiKey, ratePerSecond: config.tvdb.rateLimit, unavailable: null }
      const anilist: Registration = { name: "anilist", needsKey: false, envKey: Option.none(), ratePerSecond: config.anilist.rateLimit, unavailable: null }
      // AniDB's rate is the installation's (one request per ANIDB_REQUEST_INTERVAL across nodes).
      const anidb: Registration = {
        name: "anidb", needsKey: true, envKey: config.anidb.apiKey, ratePerSecond: 1000 / Duration.toMillis(config.anidbRequestInterval), unavailable: null
      }
      const keyed = (name: string, env: { readonly apiKey: Option.Option<Redacted.Redacted<string>>; readonly rateLimit: number }): Registration =>
        ({ name, needsKey: true, envKey: env.apiKey, ratePerSecond: env.rateLimit, unavailable: null })
      const mal = keyed("mal", config.mal)
      const kitsu: Registration = { name: "kitsu", needsKey: false, envKey: Option.none(), ratePerSecond: config.kitsu.rateLimit, unavailable: null }
      const trakt = keyed("trakt", config.trakt)
      const simkl = keyed("simkl", config.simkl)
      const letterboxd: Registration = { name: "letterboxd", needsKey: false, envKey: Option.none(), ratePerSecond: 0, unavailable: LETTERBOXD }
      const registrations: ReadonlyArray<Registration> = [tmdb, tvdb, omdb, tvmaze, fanart, anilist, anidb, mal, kitsu, trakt, simkl, letterboxd]
      const names = registrations.map((r) => r.name)
      const rank = (name: string) => {
        const index = config.metadataProviders.indexOf(name)
        return index === -1 ? config.metadataProviders.length + names.indexOf(name) : index
      }
      const stored = (all: ReadonlyMap<string, StoredSettings>, name: string) => Option.fromNullable(all.get(name))
      const settingsFailed = (name: string) => (e: DatabaseError) =>
        new ProviderUnavailable({ provider: name, message: `provider settings unavailable: ${e.message}` })

      const keyOf = (r: Registration): ProviderAccess["key"] =>
        Effect.flatMap(Effect.mapError(settings.all, settingsFailed(r.name)), (all) => {
          const sealed = Option.flatMap(stored(all, r.name), (s) => Option.fromNullable(s.api_key))
          return Option.match(sealed, {
            onNone: () => Effect.succeed(Option.map(r.envKey, Redacted.value)),
            onSome: (value) =>
              box.open(value).pipe(
                Effect.map((key) => Option.some(Redacted.value(key))),
                Effect.mapError((e) => new ProviderRejected({ provider: r.name, reason: "not_configured", message: e.message }))
              )
          })
        })
      const access = (r: Registration): ProviderAccess => ({
        key: keyOf(r),
        refused: (effect) =>
          Effect.tapError(effect, (e) =>
            e._tag === "ProviderRejected" && e.reason === "unauthorized"
              ? Effect.ignore(settings.setConfigurationError(r.name, `${r.name} refused our credentials: ${e.message}`))
              : Effect.void)
      })
      const built = new Map<string, MetadataProvider>([
        ["tmdb", yield* makeTmdb(access(tmdb))],
        ["tvdb", (yield* makeTvdb(access(tvdb))).provider],
        ["omdb", yield* makeOmdb(access(omdb))],
        ["tvmaze", yield* makeTvmaze(access(tvmaze))],
        ["fanart", yield* makeFanart(access(fanart))],
        ["anilist", yield* makeAnilist(access(anilist))],
        ["anidb", yield* makeAnidb(access(anidb))],
        ["mal", yield* makeMal(access(mal))],
        ["kitsu", yield* makeKitsu(access(kitsu))],
        ["trakt", yield* makeTrakt(access(trakt))],
        ["simkl", yield* makeSimkl(access(simkl))]
      ])

      interface Effective {
        readonly registration: Registration
        readonly provider: MetadataProvider | undefined
        readonly enabled: boolean
        readonly keySet: boolean
        readonly configurationError: string | null
        readonly language: string | null
        readonly priorities: FieldPriorities
        readonly usable: boolean
      }
      const effective = (all: ReadonlyMap<string, StoredSettings>, r: Registration): Effective => {
        const s = stored(all, r.name)
        const envEnabled = config.metadataProviders.includes(r.name) && (r.name !== "tmdb" || config.tmdbEnabled)
        const enabled = Option.getOrElse(Option.flatMap(s, (x) => Option.fromNullable(x.enabled)), () => envEnabled)
        const keySet = Option.isSome(r.envKey) || Option.exists(s, (x) => x.api_key !== null)
        const configurationError = Option.getOrNull(Option.flatMap(s, (x) => Option.fromNullable(x.configuration_error)))
        const base = rank(r.name) + 1
        const set: Partial<FieldPriorities> = Option.getOrElse(Option.map(s, (x) => x.priorities), () => ({}))
        const priorities: FieldPriorities = {
          titles: set.titles ?? base, overview: set.overview ?? base, images: set.images ?? base, ratings: set.ratings ?? base, people: set.people ?? base
        }
        const provider = built.get(r.name)
        return {
          registration: r, provider, enabled, keySet, configurationError, priorities,
          language: Option.getOrNull(Option.flatMap(s, (x) => Option.fromNullable(x.language))),
          usable: provider !== undefined && r.unavailable === null && enabled && (keySet || !r.needsKey) && configurationError === null
        }
      }
      const everything = Effect.map(settings.all, (all) =>
        registrations.map((r) => effective(all, r)).sort((a, b) => a.priorities.titles - b.priorities.titles || rank(a.registration.name) - rank(b.registration.name)))

      const status = (e: Effective) =>
        Effect.gen(function* () {
          const circuit = e.provider === undefined ? { state: "closed" as const, lastError: null } : yield* e.provider.circuit
          const stats = e.provider === undefined ? { requestsLastHour: 0, rateLimitRemaining: null } : yield* e.provider.stats
          const r = e.registration
          return new ProviderStatus({
            name: r.name,
            priority: e.priorities.titles,
            enabled: e.enabled && r.unavailable === null,
            configured: e.keySet || !r.needsKey,
            healthy: e.usable && circuit.state !== "open",
            circuit: circuit.state,
            lastError: e.configurationError ?? circuit.lastError,
            keySet: e.keySet,
            configurationError: e.configurationError,
            unavailable: r.unavailable,
            language: e.language,
            priorities: e.priorities,
            requestsLastHour: stats.requestsLastHour,
            rateLimitRemaining: stats.rateLimitRemaining,
            ratePerSecond: r.ratePerSecond
          })
        })

      const link = (e: Effective): ReadonlyArray<ChainLink> =>
        e.usable && e.provider !== undefined ? [{ provider: e.provider, priorities: e.priorities, language: e.language }] : []

      return {
        chain: Effect.gen(function* () {
          const all = yield* Effect.mapError(everything, settingsFailed("tmdb"))
          const [first] = all.filter((e) => e.registration.name === "tmdb").flatMap(link)
          if (first === undefined) {
            return yield* new ProviderRejected({ provider: "tmdb", reason: "not_configured", message: "No metadata provider is configured (TMDb needs TMDB_API_KEY or a key in its settings)" })
          }
          const rest = all.filter((e) => e.registration.name !== "tmdb").flatMap(link)
          const chain: ProviderChain = [first, ...rest]
          return chain
        }),
        usable: (name) =>
          Effect.map(Effect.mapError(everything, settingsFailed(name)), (all) =>
            Option.fromNullable(all.find((e) => e.registration.name === name && e.usable)?.provider)),
        statuses: Effect.flatMap(everything, (all) => Effect.forEach(all, status)),
        update: (name, change) =>
          Effect.gen(function* () {
            const r = registrations.find((x) => x.name === name)
            if (r === undefined) return yield* new NotFound({ message: `No metadata provider ${name}`, details: { field: "name" } })
            if (change.apiKey !== undefined && change.apiKey !== null && !r.needsKey) {
              return yield* new BadRequest({ message: `${name} needs no API key`, details: { field: "apiKey" } })
            }
            yield* settings.update(name, {
              enabled: change.enabled,
              sealedKey: change.apiKey === undefined ? undefined : change.apiKey === null ? null : box.seal(Redacted.make(change.apiKey)),
              language: change.language,
              priorities: change.priorities
            })
            const all = yield* settings.all
            return yield* status(effective(all, r))
          }),
        ownerOf: (path, primary) => imageOwner(path, names, primary)
      }
    })
  ).pipe(Layer.provide(Layer.mergeAll(ProviderHttp.layer, ProviderSettings.layer, SecretBox.layer)))
}
