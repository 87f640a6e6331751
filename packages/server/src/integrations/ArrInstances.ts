/**
 * Administration of *arr instances (the API key and webhook secret sealed with SecretBox, never shown),
 * the choice of an app's instance (given id, else its default), and a client for one.
 */
import {
  type ArrApp,
  ArrInstance,
  ArrInstanceId,
  type Conflict,
  type ConfigurationError,
  type CreateArrInstance,
  type DatabaseError,
  NotFound,
  type Principal,
  type UpdateArrInstance
} from "@mediaserver/domain"
import { Context, Effect, Layer, Option, Redacted, type Scope } from "effect"
import { randomUUID, timingSafeEqual, createHash } from "node:crypto"
import { ActivityLog } from "../activity/ActivityLog.js"
import { SecretBox } from "../auth/SecretBox.js"
import { AppConfig } from "../config/AppConfig.js"
import { ProviderHttp } from "../metadata/provider/ProviderHttp.js"
import { type ArrClient, makeArrClient } from "./ArrClient.js"
import { type InstanceRow, ArrRepo } from "./ArrRepo.js"

export const toInstance = (row: InstanceRow) =>
  new ArrInstance({
    id: row.id,
    app: row.app,
    name: row.name,
    url: row.url,
    enabled: row.enabled,
    isDefault: row.is_default,
    libraryId: row.library_id,
    pathMappings: row.path_mappings,
    hasApiKey: row.api_key !== "",
    hasWebhookSecret: row.webhook_secret !== ""
  })

const noInstance = (what: string) => new NotFound({ message: `No ${what} integration`, details: { field: "instanceId" } })

/** Equal strings in time that does not depend on where they differ (hashes first: equal lengths). */
const sameSecret = (given: string, expected: string) =>
  timingSafeEqual(createHash("sha256").update(given).digest(), createHash("sha256").update(expected).digest())

type Failure = NotFound | Conflict | DatabaseError

export class ArrInstances extends Context.Tag("@mediaserver/integrations/ArrInstances")<
  ArrInstances,
  {
    readonly list: Effect.Effect<ReadonlyArray<ArrInstance>, DatabaseError>
    readonly get: (id: ArrInstanceId) => Effect.Effect<ArrInstance, Failure>
    readonly create: (actor: Principal, request: CreateArrInstance) => Effect.Effect<ArrInstance, Failure>
    readonly update: (actor: Principal, id: ArrInstanceId, changes: UpdateArrInstance) => Effect.Effect<ArrInstance, Failure | ConfigurationError>
    readonly delete: (actor: Principal, id: ArrInstanceId) => Effect.Effect<void, Failure>
    /** The given instance of `app`, else the app's default. */
    readonly resolve: (app: ArrApp, id: ArrInstanceId | undefined) => Effect.Effect<InstanceRow, NotFound | DatabaseError>
    readonly row: (id: ArrInstanceId) => Effect.Effect<InstanceRow, NotFound | DatabaseError>
    /** Whether `given` is the instance's webhook secret (compared in constant time). */
    readonly secretMatches: (row: InstanceRow, given: string | undefined) => Effect.Effect<boolean, ConfigurationError>
    readonly client: (row: InstanceRow) => Effect.Effect<ArrClient, ConfigurationError, Scope.Scope>
  }
>() {
  static readonly layer = Layer.effect(
    ArrInstances,
    Effect.gen(function* () {
      const repo = yield* ArrRepo
      const box = yield* SecretBox
      const activity = yield* ActivityLog
      const http = yield* ProviderHttp
      const config = yield* AppConfig

      const row = (id: ArrInstanceId) =>
        Effect.flatMap(repo.find(id), Option.match({ onNone: () => Effect.fail(noInstance(`such`)), onSome: Effect.succeed }))
      const changed = (actor: Principal, id: ArrInstanceId, details: Record<string, unknown>) =>
        activity.record({ action: "integration.changed", userId: actor.userId, resourceType: "arr_instance", resourceId: id, details })

      return {
        list: Effect.map(repo.list, (rows) => rows.map(toInstance)),
        get: (id) => Effect.map(row(id), toInstance),
        row,
        create: (actor, r) =>
          Effect.gen(function* () {
            const id = ArrInstanceId.make(randomUUID())
            const created = yield* repo.insert(id, r.app, {
              name: r.name,
              url: r.url,
              apiKey: box.seal(r.apiKey),
              webhookSecret: box.seal(r.webhookSecret),
              enabled: r.enabled ?? true,
              isDefault: r.isDefault ?? false,
              libraryId: r.libraryId ?? null,
              pathMappings: r.pathMappings ?? []
            })
            yield* changed(actor, id, { created: r.name, app: r.app })
            return toInstance(created)
          }),
        update: (actor, id, c) =>
          Effect.gen(function* () {
            const current = yield* row(id)
            const updated = yield* repo.update(id, current.app, {
              name: c.name ?? current.name,
              url: c.url ?? current.url,
              apiKey: c.apiKey === undefined ? current.api_key : box.seal(c.apiKey),
              webhookSecret: c.webhookSecret === undefined ? current.webhook_secret : box.seal(c.webhookSecret),
              enabled: c.enabled ?? current.enabled,
              isDefault: c.isDefault ?? current.is_default,
              libraryId: c.libraryId === undefined ? current.library_id : c.libraryId,
              pathMappings: c.pathMappings ?? current.path_mappings
            })
            yield* changed(actor, id, { updated: Object.keys(c) })
            return toInstance(updated)
          }),
        delete: (actor, id) =>
          Effect.gen(function* () {
            if (!(yield* repo.delete(id))) return yield* noInstance("such")
            yield* changed(actor, id, { deleted: true })
          }),
        resolve: (app, id) =>
          id === undefined
            ? Effect.flatMap(repo.findDefault(app), Option.match({ onNone: () => Effect.fail(noInstance(app)), onSome: Effect.succeed }))
            : Effect.flatMap(row(id), (r) => (r.app === app ? Effect.succeed(r) : Effect.fail(noInstance(`such ${app}`)))),
        secretMatches: (r, given) =>
          given === undefined || given === ""
            ? Effect.succeed(false)
            : Effect.map(box.open(r.webhook_secret), (secret) => sameSecret(given, Redacted.value(secret))),
        client: (r) => Effect.flatMap(box.open(r.api_key), (key) => makeArrClient(http, config, r, key))
      }
    })
  )
}
