/**
 * The server's own database layers (`DbPool` + `SqlClient`/`PgClient`) on a given Postgres URL, with a
 * config read only from the map given (the environment is not read).
 */
import { ConfigProvider, Layer } from "effect"
import { AppConfig } from "@mediaserver/server/config"
import { DatabaseLive } from "@mediaserver/server/db"

export const databaseLayer = (url: string, env: Record<string, string> = {}) =>
  DatabaseLive.pipe(
    Layer.provide(AppConfig.layer),
    Layer.provide(
      Layer.setConfigProvider(
        ConfigProvider.fromMap(new Map(Object.entries({ DATABASE_MAX_CONNECTIONS: "4", ...env, DATABASE_URL: url })))
      )
    )
  )
