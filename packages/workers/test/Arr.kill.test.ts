/**
 * Webhooks survive the death of the node that processes them: a burst is recorded (each with its job,
 * in one transaction), the node is killed with SIGKILL while most of it is still waiting, and the node
 * started again on the same database (and port, as a restarted service is) processes what is left:
 * every event once, none lost, none twice.
 */
import { describe, expect, it } from "@effect/vitest"
import { readFixtureJson } from "@mediaserver/testkit/FakeHttp"
import { adminToken, api } from "@mediaserver/testkit/EmbeddedScenario"
import { migratedDatabase } from "@mediaserver/testkit/MigratedDatabase"
import { freePort, spawnNode, waitFor200 } from "@mediaserver/testkit/NodeProcess"
import { eventually } from "@mediaserver/testkit/Poll"
import { SqlClient } from "@effect/sql"
import { PgClient } from "@effect/sql-pg"
import { Context, Duration, Effect, Layer, Redacted, Schema } from "effect"

const EVENTS = 300
const Json = Schema.Record({ key: Schema.String, value: Schema.Unknown })

describe("*arr webhooks and a killed node", () => {
  it.scopedLive("a node killed in the middle of a webhook burst loses nothing: the next one processes each event once", () =>
    Effect.gen(function* () {
      const db = yield* migratedDatabase("arr_kill")
      const sql = Context.get(yield* Layer.build(PgClient.layer({ url: db.url })), SqlClient.SqlClient)
      const env = { DATABASE_URL: Redacted.value(db.url), PORT: String(yield* freePort), HTTP_RATE_LIMIT: "0" }
      const first = yield* spawnNode(env)
      yield* waitFor200(first, "/readyz", Duration.seconds(60))
      const created = yield* api(first, yield* adminToken(first))("/admin/integrations/instances", {
        method: "POST",
        body: JSON.stringify({ app: "radarr", name: "Radarr", url: "http://127.0.0.1:9", apiKey: "k", webhookSecret: "s" })
      })
      expect(created.status).toBe(201)

      const added = Schema.decodeUnknownSync(Json)(yield* Effect.orDie(readFixtureJson("radarr/webhook_MovieAdded.json")))
      const movie = Schema.decodeUnknownSync(Json)(added["movie"])
      const send = (i: number) =>
        Effect.promise(() =>
          fetch(`${first.url}/api/v1/webhooks/radarr?secret=s`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ ...added, movie: { ...movie, id: 5_000 + i, title: `Wanted ${i}`, tmdbId: 300_000 + i } })
          }).then((res) => res.status))
      const statuses = yield* Effect.forEach(Array.from({ length: EVENTS }, (_, i) => i), send, { concurrency: 50 })
      expect(statuses.every((s) => s === 200)).toBe(true)
      yield* first.signal("SIGKILL")
      yield* first.exited
      // The point of the test: most of the burst was still waiting when the node died.
      const [before] = yield* sql<{ done: number }>`SELECT count(*) FILTER (WHERE state = 'done')::int AS done FROM arr_webhook_events`
      expect(before?.done ?? 0, "events processed before the kill").toBeLessThan(EVENTS)

      const second = yield* spawnNode(env)
      yield* waitFor200(second, "/readyz", Duration.seconds(60))
      const done = yield* eventually(
        sql<{ state: string; effects: number; n: number }>`SELECT state, effects, count(*)::int AS n FROM arr_webhook_events GROUP BY state, effects`,
        (rows) => rows.length === 1 && rows[0]?.state === "done",
        { what: "every event processed after the restart", timeout: Duration.seconds(120), interval: Duration.millis(500) }
      )
      expect(done).toEqual([{ state: "done", effects: 1, n: EVENTS }])
      expect(yield* sql<{ n: number }>`SELECT count(*)::int AS n FROM arr_wanted`).toEqual([{ n: EVENTS }])
      expect(yield* sql<{ n: number }>`SELECT count(*)::int AS n FROM job_runs WHERE kind = 'arr.webhook' AND state = 'completed'`).toEqual([{ n: EVENTS }])
      yield* second.signal("SIGINT")
      expect(yield* second.exited, second.output().slice(-2000)).toBe(0)
    }), { timeout: 300_000 })
})
