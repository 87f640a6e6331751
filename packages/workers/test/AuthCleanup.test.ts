import { expect, layer } from "@effect/vitest"
import { SqlClient } from "@effect/sql"
import { AuthCleanupJob } from "@mediaserver/domain"
import { Jobs } from "@mediaserver/server/jobs"
import { Duration, Effect } from "effect"
import { randomUUID } from "node:crypto"
import { eventually } from "@mediaserver/testkit/Poll"
import { awaitRun, countRows, jobsNode } from "./support/TestJobs.js"

// Defaults: sessions idle out after 7 days; ended credentials are kept 7 days; batches of 500.
const insertUser = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const id = randomUUID()
  yield* sql`INSERT INTO users (id, username, email, password_hash, role)
    VALUES (${id}, ${`u${id.slice(0, 8)}`}, ${`${id}@example.test`}, 'x', 'user')`
  return id
})

/** `count` sessions of `user` labelled `device`, ending/last seen as the SQL expressions say. */
const insertSessions = (user: string, device: string, count: number, expiresAt: string, lastSeenAt = "now()") =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    sql.unsafe(`
      INSERT INTO sessions (id, user_id, access_hash, refresh_hash, device, access_expires_at, expires_at, last_seen_at)
      SELECT gen_random_uuid(), '${user}', md5(random()::text || i || 'a'), md5(random()::text || i || 'r'), '${device}',
        ${expiresAt}, ${expiresAt}, ${lastSeenAt}
      FROM generate_series(1, ${count}) AS i`))

const insertKey = (user: string, name: string, revokedAt: string, expiresAt: string) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    sql.unsafe(`
      INSERT INTO api_keys (id, user_id, name, prefix, secret_hash, scopes, revoked_at, expires_at)
      VALUES (gen_random_uuid(), '${user}', '${name}', substr(md5(random()::text), 1, 12), 'x', '{read}', ${revokedAt}, ${expiresAt})`))

/** An email token whose `email` column labels it. */
const insertEmailToken = (user: string, label: string, expiresAt: string, usedAt: string) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    sql.unsafe(`
      INSERT INTO email_tokens (token_hash, user_id, purpose, email, expires_at, used_at)
      VALUES (md5(random()::text), '${user}', 'reset', '${label}', ${expiresAt}, ${usedAt})`))

const emailTokens = (label: string) => countRows(`SELECT count(*)::int AS n FROM email_tokens WHERE email = '${label}'`)
const sessions = (device: string) => countRows(`SELECT count(*)::int AS n FROM sessions WHERE device = '${device}'`)
const keys = (name: string) => countRows(`SELECT count(*)::int AS n FROM api_keys WHERE name = '${name}'`)

layer(jobsNode("auth_cleanup"), { excludeTestServices: true })("auth cleanup job", (it) => {
  it.effect("deletes long-ended sessions, keys and dead email tokens in batches; live and recently ended ones stay", () =>
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      const jobs = yield* Jobs
      const user = yield* insertUser
      // More than two batches of long-expired sessions.
      yield* insertSessions(user, "expired-long-ago", 1_100, "now() - interval '8 days'")
      yield* insertSessions(user, "idle-long-ago", 3, "now() + interval '10 days'", "now() - interval '15 days'")
      yield* insertSessions(user, "expired-recently", 2, "now() - interval '1 day'")
      yield* insertSessions(user, "live", 2, "now() + interval '10 days'")
      yield* insertKey(user, "revoked-long-ago", "now() - interval '8 days'", "NULL")
      yield* insertKey(user, "expired-long-ago", "NULL", "now() - interval '8 days'")
      yield* insertKey(user, "revoked-recently", "now() - interval '1 day'", "NULL")
      yield* insertKey(user, "live", "NULL", "now() + interval '10 days'")
      yield* insertKey(user, "no-expiry", "NULL", "NULL")
      yield* insertEmailToken(user, "expired", "now() - interval '1 minute'", "NULL")
      yield* insertEmailToken(user, "used", "now() + interval '1 hour'", "now()")
      yield* insertEmailToken(user, "live", "now() + interval '1 hour'", "NULL")

      // The schedule's run-on-start holds this hour's unique key: let it finish, then release the key
      // so the enqueue below starts a run that sees the rows inserted above.
      yield* eventually(
        countRows(`SELECT count(*)::int AS n FROM job_runs WHERE kind = 'auth.cleanup' AND finished_at IS NULL`),
        (n) => n === 0,
        { what: "earlier auth.cleanup runs to finish", timeout: Duration.seconds(20) }
      )
      yield* sql`UPDATE job_runs SET unique_key = NULL WHERE kind = 'auth.cleanup'`

      const run = yield* awaitRun(yield* jobs.enqueue(AuthCleanupJob, {}))
      expect(run.state).toBe("completed")

      expect(yield* sessions("expired-long-ago")).toBe(0)
      expect(yield* sessions("idle-long-ago")).toBe(0)
      expect(yield* sessions("expired-recently")).toBe(2)
      expect(yield* sessions("live")).toBe(2)
      expect(yield* keys("revoked-long-ago")).toBe(0)
      expect(yield* keys("expired-long-ago")).toBe(0)
      expect(yield* keys("revoked-recently")).toBe(1)
      expect(yield* keys("live")).toBe(1)
      expect(yield* keys("no-expiry")).toBe(1)
      expect(yield* emailTokens("expired")).toBe(0)
      expect(yield* emailTokens("used")).toBe(0)
      expect(yield* emailTokens("live")).toBe(1)
    }), 60_000)
})
