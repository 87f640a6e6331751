/**
 * A Promise facade over the Effect client, for callers that do not use Effect.
 *
 *   const client = createMediaClient({ url: "http://127.0.0.1:8080/rpc" })
 *   try {
 *     const pong = await client.system.ping("abc")
 *   } catch (err) {
 *     if (err instanceof Unavailable) ... // or err._tag === "Unavailable"; transport failures are RpcClientError
 *   } finally {
 *     await client.close()
 *   }
 */
import type { RpcClientError } from "@effect/rpc/RpcClientError"
import type { InternalError, PingResult, SystemInfo, Unavailable } from "@mediaserver/domain"
import { Cause, Effect, Exit, ManagedRuntime } from "effect"
import { MediaClient, type MediaClientOptions, type MediaRpcClient } from "./Client.js"

/** What `system.ping` rejects with: the server's typed errors as themselves, or a transport failure. */
export type SystemPingError = Unavailable | InternalError | RpcClientError
/** What `system.info` rejects with. */
export type SystemInfoError = RpcClientError

export interface MediaClientPromise {
  readonly system: {
    readonly info: () => Promise<SystemInfo>
    readonly ping: (id: string) => Promise<PingResult>
  }
  /** Releases the client (open requests are interrupted). The client cannot be used afterwards. */
  readonly close: () => Promise<void>
}

/**
 * A client whose calls return Promises. The connection layer is built on the first call. A failed call
 * rejects with the failure itself (a tagged error instance, so `err._tag` works); a defect rejects with
 * the defect, an interruption with an `InterruptedException`.
 */
export const createMediaClient = (options: MediaClientOptions): MediaClientPromise => {
  const runtime = ManagedRuntime.make(MediaClient.layer(options))

  const run = <A, E>(call: (client: MediaRpcClient) => Effect.Effect<A, E>): Promise<A> =>
    runtime.runPromiseExit(Effect.flatMap(MediaClient, call)).then((exit) =>
      Exit.isSuccess(exit) ? exit.value : Promise.reject(Cause.squash(exit.cause))
    )

  return {
    system: {
      info: () => run((client) => client.SystemInfo()),
      ping: (id) => run((client) => client.SystemPing({ id }))
    },
    close: () => runtime.dispose()
  }
}
