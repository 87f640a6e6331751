import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect, Either, Redacted } from "effect"
import * as Http from "node:http"
import { spawnNode, waitFor200 } from "@mediaserver/testkit/NodeProcess"
import { eventually } from "@mediaserver/testkit/Poll"
import { freshDatabase } from "@mediaserver/testkit/TestDatabase"

/**
 * Starts a POST whose body is written in two halves; `finish` writes the rest and waits for the answer.
 * `Expect: 100-continue` makes the start observable: the server answers "continue" when it has taken
 * the request, so the test knows the request is in flight before it signals the process.
 */
const slowPost = (url: string) =>
  Effect.async<{ readonly finish: Effect.Effect<number, Error> }>((resume) => {
    const body = JSON.stringify({ note: "in flight during shutdown" })
    let answered: ((status: number) => void) | undefined
    let failed: ((error: Error) => void) | undefined
    const status = new Promise<number>((ok, ko) => {
      answered = ok
      failed = ko
    })
    const req = Http.request(url, {
      method: "POST",
      agent: false,
      headers: { "content-type": "application/json", "content-length": String(body.length), expect: "100-continue" }
    }, (res) => {
      res.resume()
      res.on("end", () => answered?.(res.statusCode ?? 0))
    })
    req.on("error", (error) => failed?.(error))
    req.once("continue", () =>
      req.write(body.slice(0, 5), () =>
        resume(Effect.succeed({
          finish: Effect.tryPromise({
            try: () => {
              req.end(body.slice(5))
              return status
            },
            catch: (e) => (e instanceof Error ? e : new Error(String(e)))
          })
        }))
      ))
    req.flushHeaders()
  })

describe("graceful shutdown", () => {
  it.scopedLive("SIGTERM lets a request in flight finish, then the process exits 0", () =>
    Effect.gen(function* () {
      const db = yield* freshDatabase("shutdown")
      const node = yield* spawnNode({ DATABASE_URL: Redacted.value(db.url) })
      yield* waitFor200(node, "/readyz", Duration.seconds(30))
      const inFlight = yield* slowPost(`${node.url}/api/v1/system/ping/drain`)
      yield* node.signal("SIGTERM")
      // New connections are refused soon after the signal...
      yield* eventually(
        Effect.either(Effect.tryPromise(() => fetch(`${node.url}/healthz`, { signal: AbortSignal.timeout(1000) }))),
        (result) => result._tag === "Left",
        { what: "the server to stop accepting connections", timeout: Duration.seconds(8) }
      )
      // ...but the request already in flight is answered.
      const status = yield* Effect.either(inFlight.finish)
      expect(Either.isRight(status) ? status.right : status.left.message, node.output()).toBe(200)
      expect(yield* node.exited).toBe(0)
    }), { timeout: 60_000 })
})
