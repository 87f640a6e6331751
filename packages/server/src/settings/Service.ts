/**
 * Settings by key over the catalogues in domain (ServerSettings, UserSettings): values are validated
 * by their key's Schema before they are stored, and listings (by category, or all) are cached through
 * CacheAside; a write drops the listings it changes on every node.
 */
import { SqlClient } from "@effect/sql"
import {
  type DatabaseError,
  NotFound,
  ServerSettings,
  Setting,
  type SettingDef,
  Unprocessable,
  type UserId,
  UserSettings
} from "@mediaserver/domain"
import { Context, Effect, Either, Layer, Schema } from "effect"
import { CacheAside } from "../cache/index.js"
import { wrapSql } from "../db/Sql.js"
import { SettingsRepo, StoredSetting } from "./Repo.js"

/** Whose settings: the server's, or one user's. */
export type SettingsOwner = "server" | UserId

export interface SettingValue {
  readonly key: string
  readonly value: unknown
}

const ALL = "*"
const catalogueOf = (owner: SettingsOwner) => (owner === "server" ? ServerSettings : UserSettings)
const ownerId = (owner: SettingsOwner): UserId | null => (owner === "server" ? null : owner)

const toSetting = (def: SettingDef, stored: unknown): Setting => {
  // A stored value its key no longer accepts (the catalogue changed) reads as the default.
  const value = stored === undefined ? def.fallback : Either.getOrElse(def.validate(stored), () => def.fallback)
  return new Setting({
    key: def.key,
    category: def.category,
    description: def.description,
    value,
    default: def.fallback,
    isDefault: JSON.stringify(value) === JSON.stringify(def.fallback)
  })
}

export class Settings extends Context.Tag("@mediaserver/settings/Settings")<
  Settings,
  {
    readonly list: (owner: SettingsOwner, category?: string) => Effect.Effect<ReadonlyArray<Setting>, NotFound | DatabaseError>
    readonly get: (owner: SettingsOwner, key: string) => Effect.Effect<Setting, NotFound | DatabaseError>
    /** Sets one key (404 for an unknown key, 422 for a value its Schema refuses). */
    readonly set: (owner: SettingsOwner, key: string, value: unknown, by: UserId) => Effect.Effect<Setting, NotFound | Unprocessable | DatabaseError>
    /** Sets several keys at once, all or none (an unknown key is a 422 naming it). */
    readonly setMany: (
      owner: SettingsOwner,
      values: ReadonlyArray<SettingValue>,
      by: UserId
    ) => Effect.Effect<ReadonlyArray<Setting>, Unprocessable | DatabaseError>
    /** Back to the default. */
    readonly reset: (owner: SettingsOwner, key: string) => Effect.Effect<void, NotFound | DatabaseError>
  }
>() {
  static readonly layer = Layer.scoped(
    Settings,
    Effect.gen(function* () {
      const repo = yield* SettingsRepo
      const sql = yield* SqlClient.SqlClient
      const spec = { schema: Schema.Array(StoredSetting), ttl: { l1: "30 seconds", l2: "10 minutes" } } as const
      const serverCache = yield* CacheAside.make({ namespace: "settings-server", ...spec })
      const userCache = yield* CacheAside.make({ namespace: "settings-user", ...spec })
      const cacheOf = (owner: SettingsOwner) => (owner === "server" ? serverCache : userCache)
      const cacheKey = (owner: SettingsOwner, category: string) => `${owner}|${category}`

      const definition = (owner: SettingsOwner, key: string) => {
        const def = catalogueOf(owner).get(key)
        return def === undefined
          ? Effect.fail(new NotFound({ message: `No setting ${key}`, details: { field: "key", key } }))
          : Effect.succeed(def)
      }

      const list = (owner: SettingsOwner, category?: string) =>
        Effect.gen(function* () {
          const defs = [...catalogueOf(owner).values()].filter((d) => category === undefined || d.category === category)
          if (defs.length === 0) {
            return yield* new NotFound({ message: `No settings category ${category}`, details: { field: "category" } })
          }
          const prefix = category === undefined ? "" : `${category}.`
          const stored = yield* cacheOf(owner).get(cacheKey(owner, category ?? ALL), repo.list(ownerId(owner), prefix))
          const byKey = new Map(stored.map((s) => [s.key, s.value]))
          return defs.map((def) => toSetting(def, byKey.get(def.key)))
        })

      const validate = (def: SettingDef, value: unknown) =>
        Either.match(def.validate(value), {
          onLeft: (reason) =>
            Effect.fail(new Unprocessable({
              message: `${def.key}: ${reason.replace(/\s+/g, " ")}`,
              details: { field: "value", key: def.key, reason }
            })),
          onRight: (json) => Effect.succeed({ def, json })
        })

      const forget = (owner: SettingsOwner, defs: ReadonlyArray<SettingDef>) =>
        Effect.forEach(
          [ALL, ...new Set(defs.map((d) => d.category))],
          (category) => cacheOf(owner).invalidate(cacheKey(owner, category)),
          { discard: true }
        )

      const write = (owner: SettingsOwner, valid: ReadonlyArray<{ def: SettingDef; json: unknown }>, by: UserId) =>
        Effect.gen(function* () {
          yield* Effect.forEach(valid, ({ def, json }) => repo.put(ownerId(owner), def.key, json, by), { discard: true }).pipe(
            sql.withTransaction,
            wrapSql("settings.write")
          )
          yield* forget(owner, valid.map((v) => v.def))
          return valid.map(({ def, json }) => toSetting(def, json))
        })

      return {
        list,
        get: (owner, key) =>
          Effect.flatMap(definition(owner, key), (def) =>
            Effect.map(list(owner, def.category), (settings) => settings.find((s) => s.key === key) ?? toSetting(def, undefined))),
        set: (owner, key, value, by) =>
          Effect.gen(function* () {
            const valid = yield* validate(yield* definition(owner, key), value)
            return (yield* write(owner, [valid], by))[0] ?? toSetting(valid.def, valid.json)
          }),
        setMany: (owner, values, by) =>
          Effect.gen(function* () {
            const valid = yield* Effect.forEach(values, ({ key, value }) => {
              const def = catalogueOf(owner).get(key)
              return def === undefined
                ? Effect.fail(new Unprocessable({ message: `${key}: no such setting`, details: { field: key, reason: "unknown_key" } }))
                : validate(def, value)
            })
            return yield* write(owner, valid, by)
          }),
        reset: (owner, key) =>
          Effect.gen(function* () {
            const def = yield* definition(owner, key)
            yield* repo.remove(ownerId(owner), key)
            yield* forget(owner, [def])
          })
      }
    })
  )
}
