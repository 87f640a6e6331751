/**
 * The one *arr client: the metadata providers' HTTP client (undici, timeout, rate limit, circuit
 * breaker, the provider error rules) pointed at an instance's `/api/v3` with its `X-Api-Key`. A 401/403
 * is a ConfigurationError naming the instance's API key (retrying cannot fix it). Radarr and Sonarr
 * differ only by their `ArrAppSpec` (ArrApps.ts).
 */
import {
  type AddArrTitle,
  ArrMediaFile,
  ArrQualityProfile,
  ArrRootFolder,
  ArrSystemStatus,
  ArrTag,
  ArrTitle,
  ArrTitleState,
  ConfigurationError,
  type ProviderError,
  ProviderRejected,
  type Unprocessable
} from "@mediaserver/domain"
import { Effect, Redacted, Schema, type Scope } from "effect"
import type { AppConfig } from "../config/AppConfig.js"
import type { ProviderEndpoint, ProviderHttp } from "../metadata/provider/ProviderHttp.js"
import { type ArrAppSpec, arrApps } from "./ArrApps.js"
import type { InstanceRow } from "./ArrRepo.js"

export type ArrError = ProviderError | ConfigurationError

export interface ArrClient {
  readonly instance: InstanceRow
  readonly spec: ArrAppSpec
  readonly status: Effect.Effect<ArrSystemStatus, ArrError>
  readonly qualityProfiles: Effect.Effect<ReadonlyArray<ArrQualityProfile>, ArrError>
  readonly rootFolders: Effect.Effect<ReadonlyArray<ArrRootFolder>, ArrError>
  readonly tags: Effect.Effect<ReadonlyArray<ArrTag>, ArrError>
  /** Every movie (Radarr) or series (Sonarr). */
  readonly titles: Effect.Effect<ReadonlyArray<ArrTitle>, ArrError>
  /** The files of one title (Radarr: its movieFile; Sonarr: its episode files). */
  readonly files: (title: ArrTitle) => Effect.Effect<ReadonlyArray<ArrMediaFile>, ArrError>
  readonly title: (arrId: number) => Effect.Effect<ArrTitleState, ArrError>
  /** The app's lookup, then its add, with the chosen quality profile and root folder. */
  readonly add: (request: AddArrTitle) => Effect.Effect<ArrTitleState, ArrError | Unprocessable>
}

const Resource = Schema.Record({ key: Schema.String, value: Schema.Unknown })
const TitleResource = Schema.Struct({
  ...ArrTitle.fields,
  monitored: Schema.optional(Schema.Boolean),
  statistics: Schema.optional(Schema.Struct({ episodeFileCount: Schema.optional(Schema.Number) }))
})

export const makeArrClient = (
  http: ProviderHttp["Type"],
  config: AppConfig["Type"],
  instance: InstanceRow,
  apiKey: Redacted.Redacted<string>
): Effect.Effect<ArrClient, never, Scope.Scope> =>
  Effect.gen(function* () {
    const spec = arrApps[instance.app]
    const endpoint: ProviderEndpoint = yield* http.endpoint({
      name: `${instance.app} "${instance.name}"`,
      baseUrl: `${instance.url.replace(/\/+$/, "")}/api/v3`,
      timeout: config.arrTimeout,
      ratePerSecond: config.arrRateLimit,
      headers: { "x-api-key": Redacted.value(apiKey) }
    })
    const refused = (e: ArrError): ArrError =>
      e._tag === "ProviderRejected" && (e.status === 401 || e.status === 403)
        ? new ConfigurationError({
          message: `${endpoint.name} refused the API key (${e.status}): set the instance's API key`,
          variable: `integrations/${instance.id}/apiKey`
        })
        : e
    const decode = <A, I>(schema: Schema.Schema<A, I>, what: string) => (body: unknown) =>
      Schema.decodeUnknown(schema)(body).pipe(
        Effect.mapError((e) => new ProviderRejected({ provider: endpoint.name, reason: "invalid", message: `${what}: unexpected answer: ${e.message}` }))
      )
    const get = <A, I>(path: string, schema: Schema.Schema<A, I>, query?: Readonly<Record<string, string>>) =>
      endpoint.json(path, query).pipe(Effect.flatMap(decode(schema, `GET ${path}`)), Effect.mapError(refused))
    const toState = (resource: typeof TitleResource.Type) =>
      new ArrTitleState({
        instanceId: instance.id,
        arrId: resource.id,
        title: resource.title,
        year: resource.year ?? null,
        monitored: resource.monitored ?? false,
        hasFile: resource.hasFile ?? (resource.statistics?.episodeFileCount ?? 0) > 0
      })

    return {
      instance,
      spec,
      status: get("/system/status", ArrSystemStatus),
      qualityProfiles: get("/qualityprofile", Schema.Array(ArrQualityProfile)),
      rootFolders: get("/rootfolder", Schema.Array(ArrRootFolder)),
      tags: get("/tag", Schema.Array(ArrTag)),
      titles: get(spec.titlesPath, Schema.Array(ArrTitle)),
      files: (title) =>
        spec.filesOf === "embedded"
          ? Effect.succeed(title.movieFile === undefined ? [] : [title.movieFile])
          : get(spec.filesOf.path, Schema.Array(ArrMediaFile), { [spec.filesOf.param]: String(title.id) }),
      title: (arrId) => get(`${spec.titlesPath}/${arrId}`, TitleResource).pipe(Effect.map(toState)),
      add: (request) =>
        Effect.gen(function* () {
          const lookup = yield* spec.lookup(request)
          const found = yield* get(lookup.path, Schema.Union(Resource, Schema.Array(Resource)), lookup.query)
          const resource = Array.isArray(found) ? found[0] : found
          if (resource === undefined) {
            return yield* new ProviderRejected({ provider: endpoint.name, reason: "not_found", message: `${lookup.path}: no such title` })
          }
          const added = yield* endpoint.send("POST", spec.titlesPath, {
            ...resource,
            qualityProfileId: request.qualityProfileId,
            rootFolderPath: request.rootFolderPath,
            monitored: request.monitored ?? true,
            addOptions: spec.addOptions(request.search ?? true)
          }).pipe(Effect.flatMap(decode(TitleResource, `POST ${spec.titlesPath}`)), Effect.mapError(refused))
          return toState(added)
        })
    }
  })
