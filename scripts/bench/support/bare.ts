/** The baseline: a bare node:http server in its own process, serving canned copies of real responses. */
import { Effect, Schema, type Scope } from "effect"
import { awaitMessage, ChildError, forkScript } from "./fork.js"
import { BareRoutesJson, type CannedResponse, Listening } from "./protocol.js"

export interface BareServer {
  readonly url: string
  readonly port: number
  readonly pid: number
}

export const startBareServer = (
  routes: Readonly<Record<string, CannedResponse>>,
  script: "bare-server-child" | "effect-floor-child" = "bare-server-child"
): Effect.Effect<BareServer, ChildError, Scope.Scope> =>
  Effect.gen(function* () {
    const child = yield* forkScript(script, [], { BARE_ROUTES: Schema.encodeSync(BareRoutesJson)(routes) })
    const { port } = yield* awaitMessage(script, child, Listening)
    if (child.pid === undefined) return yield* new ChildError({ script, message: "no pid" })
    return { url: `http://127.0.0.1:${port}`, port, pid: child.pid }
  })
