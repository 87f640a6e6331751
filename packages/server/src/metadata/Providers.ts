/**
 * The metadata providers of this node, in merge order (METADATA_PROVIDERS), with their state for
 * `GET /metadata/providers`. Today TMDb; the others of the system we replace (TVDb, Trakt, OMDb,
 * TVMaze, MyAnimeList, Kitsu, Simkl, AniDB, AniList, fanart.tv, Letterboxd) plug in here.
 */
import { ProviderRejected, ProviderStatus } from "@mediaserver/domain"
import { Context, Effect, Layer } from "effect"
import { AppConfig } from "../config/AppConfig.js"
import type { MetadataProvider } from "./provider/Provider.js"
import { ProviderHttp } from "./provider/ProviderHttp.js"
import { makeTmdb } from "./tmdb/Tmdb.js"

export type ProviderChain = readonly [MetadataProvider, ...ReadonlyArray<MetadataProvider>]

export class MetadataProviders extends Context.Tag("@mediaserver/metadata/MetadataProviders")<
  MetadataProviders,
  {
    /** Enabled and configured providers, best first. */
    readonly usable: ReadonlyArray<MetadataProvider>
    /** The usable providers, best first; the first answers lookups by its ids (TMDb's). */
    readonly chain: Effect.Effect<ProviderChain, ProviderRejected>
    readonly statuses: Effect.Effect<ReadonlyArray<ProviderStatus>>
  }
>() {
  static readonly layer = Layer.scoped(
    MetadataProviders,
    Effect.gen(function* () {
      const config = yield* AppConfig
      const known: ReadonlyArray<MetadataProvider> = [yield* makeTmdb]
      const rank = (p: MetadataProvider) => {
        const index = config.metadataProviders.indexOf(p.name)
        return index === -1 ? config.metadataProviders.length + known.indexOf(p) : index
      }
      const ordered = [...known].sort((a, b) => rank(a) - rank(b))
      const usable = ordered.filter((p) => p.enabled && p.configured && config.metadataProviders.includes(p.name))
      const [first, ...rest] = usable
      const chain: ProviderChain | undefined = first === undefined ? undefined : [first, ...rest]
      return {
        usable,
        chain: chain === undefined
          ? Effect.fail(new ProviderRejected({ provider: "tmdb", reason: "not_configured", message: "No metadata provider is configured (TMDB_API_KEY)" }))
          : Effect.succeed(chain),
        statuses: Effect.forEach(ordered, (p) =>
          Effect.map(p.circuit, (circuit) =>
            new ProviderStatus({
              name: p.name,
              priority: rank(p) + 1,
              enabled: p.enabled && config.metadataProviders.includes(p.name),
              configured: p.configured,
              healthy: p.enabled && p.configured && circuit.state !== "open",
              circuit: circuit.state,
              lastError: circuit.lastError
            })))
      }
    })
  ).pipe(Layer.provide(ProviderHttp.layer))
}
