/** SQL of `server_settings` and `user_settings`. `owner` null: the server's settings. */
import { SqlClient } from "@effect/sql"
import type { DatabaseError, UserId } from "@mediaserver/domain"
import { Context, Effect, Layer, Schema } from "effect"
import { decodeRows, wrapSql } from "../db/Sql.js"

export const StoredSetting = Schema.Struct({ key: Schema.String, value: Schema.Unknown })
export type StoredSetting = typeof StoredSetting.Type
const decodeStored = decodeRows(StoredSetting)

export class SettingsRepo extends Context.Tag("@mediaserver/settings/SettingsRepo")<
  SettingsRepo,
  {
    /** Stored values whose key starts with `prefix` (all with ""). */
    readonly list: (owner: UserId | null, prefix: string) => Effect.Effect<ReadonlyArray<StoredSetting>, DatabaseError>
    readonly put: (owner: UserId | null, key: string, value: unknown, by: UserId) => Effect.Effect<void, DatabaseError>
    readonly remove: (owner: UserId | null, key: string) => Effect.Effect<void, DatabaseError>
  }
>() {
  static readonly layer = Layer.effect(
    SettingsRepo,
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      // LIKE with the prefix escaped: a category never matches keys of another by a wildcard.
      const like = (prefix: string) => `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
      return {
        list: (owner, prefix) =>
          (owner === null
            ? sql`SELECT key, value FROM server_settings WHERE key LIKE ${like(prefix)} ORDER BY key`
            : sql`SELECT key, value FROM user_settings WHERE user_id = ${owner} AND key LIKE ${like(prefix)} ORDER BY key`
          ).pipe(Effect.flatMap(decodeStored), wrapSql("settings.list")),
        put: (owner, key, value, by) => {
          const json = JSON.stringify(value)
          return (owner === null
            ? sql`
                INSERT INTO server_settings (key, value, updated_by) VALUES (${key}, ${json}::jsonb, ${by})
                ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_by = EXCLUDED.updated_by, updated_at = now()
              `
            : sql`
                INSERT INTO user_settings (user_id, key, value) VALUES (${owner}, ${key}, ${json}::jsonb)
                ON CONFLICT (user_id, key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()
              `
          ).pipe(Effect.asVoid, wrapSql("settings.put"))
        },
        remove: (owner, key) =>
          (owner === null
            ? sql`DELETE FROM server_settings WHERE key = ${key}`
            : sql`DELETE FROM user_settings WHERE user_id = ${owner} AND key = ${key}`
          ).pipe(Effect.asVoid, wrapSql("settings.remove"))
      }
    })
  )
}
