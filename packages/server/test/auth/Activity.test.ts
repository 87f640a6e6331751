import { SqlClient } from "@effect/sql"
import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect, Layer, Redacted, Schema } from "effect"
import { databaseLayer } from "@mediaserver/testkit/DatabaseLayer"
import { eventually } from "@mediaserver/testkit/Poll"
import { startServerWithDatabase } from "@mediaserver/testkit/TestServer"
import { account, read, request } from "@mediaserver/testkit/Http"

const Row = Schema.Struct({
  action: Schema.String,
  user_id: Schema.NullOr(Schema.String),
  resource_type: Schema.NullOr(Schema.String),
  ip: Schema.NullOr(Schema.String),
  details: Schema.Unknown
})
const Created = Schema.Struct({ key: Schema.Struct({ id: Schema.String }), secret: Schema.String })

describe("activity log", () => {
  it.scopedLive("auth events reach activity_log in the background", () =>
    Effect.gen(function* () {
      const { url, database } = yield* startServerWithDatabase()
      const db = yield* Layer.build(databaseLayer(Redacted.value(database.url)))
      const rows = Effect.flatMap(SqlClient.SqlClient, (sql) => sql`SELECT * FROM activity_log ORDER BY id`).pipe(
        Effect.flatMap(Schema.decodeUnknown(Schema.Array(Row))),
        Effect.provide(db)
      )
      const gus = yield* account(url, "gus")
      yield* request(url, "POST", "/api/v1/auth/login", { body: { username: "gus", password: "not the password" } })
      yield* request(url, "POST", "/api/v1/auth/login", { body: { username: "ghost", password: "not the password" } })
      const key = yield* Effect.flatMap(request(url, "POST", "/api/v1/apikeys", { auth: gus.auth, body: { name: "k", scopes: ["read"] } }), read(Created))
      yield* request(url, "DELETE", `/api/v1/apikeys/${key.key.id}`, { auth: gus.auth })
      yield* request(url, "POST", "/api/v1/auth/change-password", {
        auth: gus.auth,
        body: { currentPassword: "correct horse battery staple", newPassword: "another good passphrase" }
      })
      yield* request(url, "POST", "/api/v1/auth/logout", { auth: gus.auth })

      const expected = ["auth.register", "auth.login", "auth.login_failed", "auth.login_failed", "apikey.created", "apikey.revoked", "auth.password_changed", "auth.logout"]
      const logged = yield* eventually(rows, (r) => r.length >= expected.length, { what: "the activity rows", timeout: Duration.seconds(5) })
      expect(logged.map((r) => r.action)).toEqual(expected)
      expect(logged[1]).toMatchObject({ resource_type: "session", ip: "127.0.0.1" })
      expect(logged[2]).toMatchObject({ user_id: gus.user.id, details: { reason: "wrong_password" } })
      expect(logged[3]).toMatchObject({ user_id: null, details: { username: "ghost", reason: "unknown_user" } })
    }))

  it.scopedLive("requests do not depend on the log: with its table gone they still succeed", () =>
    Effect.gen(function* () {
      const { url, database } = yield* startServerWithDatabase()
      const db = yield* Layer.build(databaseLayer(Redacted.value(database.url)))
      const exec = (statement: string) => Effect.flatMap(SqlClient.SqlClient, (sql) => sql.unsafe(statement)).pipe(Effect.provide(db))
      yield* exec("ALTER TABLE activity_log RENAME TO activity_log_away")
      const hal = yield* account(url, "hal")
      expect((yield* request(url, "POST", "/api/v1/auth/logout", { auth: hal.auth })).status).toBe(204)
      yield* exec("ALTER TABLE activity_log_away RENAME TO activity_log")
      yield* request(url, "POST", "/api/v1/auth/login", { body: { username: "hal", password: "wrong password here" } })
      const rows = Effect.flatMap(SqlClient.SqlClient, (sql) => sql`SELECT action FROM activity_log`).pipe(
        Effect.flatMap(Schema.decodeUnknown(Schema.Array(Schema.Struct({ action: Schema.String })))),
        Effect.provide(db)
      )
      const logged = yield* eventually(rows, (r) => r.some((row) => row.action === "auth.login_failed"), {
        what: "the log to work again",
        timeout: Duration.seconds(5)
      })
      expect(logged.map((r) => r.action)).toContain("auth.login_failed")
    }))
})
