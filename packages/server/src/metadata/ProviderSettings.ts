/**
 * What an admin set per metadata provider over the environment's defaults (`metadata_provider_settings`):
 * enabled, the API key (sealed with SECRETS_KEY, as the *arr keys), language and priorities per field
 * group; and the configuration error a 401/403 left, which every node reads so the provider is not
 * called again until its settings change. Read through a short per-node cache (settings change rarely,
 * refreshes read them per item); a change here drops it at once, other nodes see it within the TTL.
 */
import { PgClient } from "@effect/sql-pg"
import { type DatabaseError, FieldPriorities } from "@mediaserver/domain"
import { Context, Duration, Effect, Layer, Schema } from "effect"
import { decodeRows, jsonb, wrapSql } from "../db/Sql.js"

const Row = Schema.Struct({
  name: Schema.String,
  enabled: Schema.NullOr(Schema.Boolean),
  api_key: Schema.NullOr(Schema.String),
  language: Schema.NullOr(Schema.String),
  priorities: Schema.partial(FieldPriorities),
  configuration_error: Schema.NullOr(Schema.String)
})
export type StoredSettings = typeof Row.Type
const decode = decodeRows(Row)

/** A change to store: `undefined` keeps the stored value, `null` clears it. */
export interface SettingsChange {
  readonly enabled?: boolean | undefined
  readonly sealedKey?: string | null | undefined
  readonly language?: string | null | undefined
  readonly priorities?: Partial<FieldPriorities> | undefined
}

const CACHE_TTL = Duration.seconds(5)

export class ProviderSettings extends Context.Tag("@mediaserver/metadata/ProviderSettings")<
  ProviderSettings,
  {
    readonly all: Effect.Effect<ReadonlyMap<string, StoredSettings>, DatabaseError>
    /** Stores the change and clears the provider's configuration error (new settings get a new chance). */
    readonly update: (name: string, change: SettingsChange) => Effect.Effect<void, DatabaseError>
    readonly setConfigurationError: (name: string, message: string) => Effect.Effect<void, DatabaseError>
  }
>() {
  static readonly layer = Layer.effect(
    ProviderSettings,
    Effect.gen(function* () {
      const sql = yield* PgClient.PgClient
      const load = sql`
        SELECT name, enabled, api_key, language, priorities, configuration_error FROM metadata_provider_settings
      `.pipe(
        Effect.flatMap(decode),
        Effect.map((rows) => new Map(rows.map((r) => [r.name, r]))),
        wrapSql("metadata.providerSettings")
      )
      const [cached, invalidate] = yield* Effect.cachedInvalidateWithTTL(load, CACHE_TTL)
      return {
        all: cached,
        update: (name, c) =>
          sql`
            INSERT INTO metadata_provider_settings (name, enabled, api_key, language, priorities)
            VALUES (${name}, ${c.enabled ?? null}, ${c.sealedKey ?? null}, ${c.language ?? null}, ${jsonb(c.priorities ?? {})}::jsonb)
            ON CONFLICT (name) DO UPDATE SET
              enabled = CASE WHEN ${c.enabled === undefined} THEN metadata_provider_settings.enabled ELSE EXCLUDED.enabled END,
              api_key = CASE WHEN ${c.sealedKey === undefined} THEN metadata_provider_settings.api_key ELSE EXCLUDED.api_key END,
              language = CASE WHEN ${c.language === undefined} THEN metadata_provider_settings.language ELSE EXCLUDED.language END,
              priorities = metadata_provider_settings.priorities || EXCLUDED.priorities,
              configuration_error = NULL, updated_at = now()
          `.pipe(Effect.zipRight(invalidate), Effect.asVoid, wrapSql("metadata.updateProviderSettings")),
        setConfigurationError: (name, message) =>
          sql`
            INSERT INTO metadata_provider_settings (name, configuration_error) VALUES (${name}, ${message})
            ON CONFLICT (name) DO UPDATE SET configuration_error = EXCLUDED.configuration_error, updated_at = now()
          `.pipe(Effect.zipRight(invalidate), Effect.asVoid, wrapSql("metadata.providerConfigurationError"))
      }
    })
  )
}
