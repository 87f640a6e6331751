/**
 * A Promise facade over the Effect client, for callers that do not use Effect: one method per RPC of
 * `AllRpcs`, named as the RPC, taking its payload. A failed call rejects with the failure itself (the
 * RPC's tagged error instance, so `err._tag` and `instanceof` work; `RpcClientError` for transport
 * failures); a defect rejects with the defect, an interruption with an `InterruptedException`.
 *
 *   const client = createMediaClient({ url: "http://127.0.0.1:8080/rpc" })
 *   try {
 *     const pong = await client.SystemPing({ id: "abc" })
 *   } catch (err) {
 *     if (err instanceof Unavailable) ... // or err._tag === "Unavailable"
 *   } finally {
 *     await client.close()
 *   }
 *
 * A streaming RPC (LibrariesWatchScan) resolves with all its elements once the stream ends.
 */
import { type Rpc, RpcClient, type RpcGroup } from "@effect/rpc"
import type { RpcClientError } from "@effect/rpc/RpcClientError"
import { AllRpcs } from "@mediaserver/domain"
import { Cause, Chunk, Context, Effect, Exit, Layer, ManagedRuntime, Predicate, Stream } from "effect"
import { clientLayer, type MediaClientOptions } from "./Client.js"

type Rpcs = RpcGroup.Rpcs<typeof AllRpcs>
/** The name of every RPC, which is also the name of its Promise method. */
export type RpcTag = Rpcs["_tag"]
type RpcOf<T extends RpcTag> = Rpc.ExtractTag<Rpcs, T>

/** What a call resolves with: the RPC's success, or every element of a streaming RPC. */
export type MediaClientAnswer<T extends RpcTag> = Rpc.Success<RpcOf<T>> extends Stream.Stream<infer A, infer _E, infer _R>
  ? ReadonlyArray<A>
  : Rpc.Success<RpcOf<T>>

/** What a call rejects with: the RPC's declared errors, its middleware's (401), or a transport failure. */
export type MediaClientError<T extends RpcTag> =
  | Rpc.Error<RpcOf<T>>
  | (RpcOf<T> extends Rpc.Rpc<infer _Tag, infer _P, infer _S, infer _E, infer M> ? M["failure"]["Type"] : never)
  | RpcClientError

export type MediaClientMethod<T extends RpcTag> = (payload: Rpc.PayloadConstructor<RpcOf<T>>) => Promise<MediaClientAnswer<T>>

export type MediaClientPromise = { readonly [T in RpcTag]: MediaClientMethod<T> } & {
  /** Releases the client (open requests are interrupted). The client cannot be used afterwards. */
  readonly close: () => Promise<void>
}

class FlatClient extends Context.Tag("@mediaserver/rpc-client/FlatClient")<FlatClient, RpcClient.RpcClient.Flat<Rpcs, RpcClientError>>() {}

/**
 * Whether `methods` has a method for every RPC of the group: the methods are made one per request
 * of `AllRpcs` below, but a record built from a list cannot carry each key's own type, so this check
 * is what lets the compiler see the whole facade.
 */
const hasEveryRpc = (methods: Readonly<Record<string, unknown>>): methods is Readonly<Record<string, unknown>> & { readonly [T in RpcTag]: MediaClientMethod<T> } =>
  Array.from(AllRpcs.requests.keys()).every((tag) => typeof methods[tag] === "function")

// A call answers an effect, or a stream for a streaming RPC; either needs nothing to run (the schemas
// of domain have no context).
const isStream = (u: unknown): u is Stream.Stream<unknown, unknown> => Predicate.hasProperty(u, Stream.StreamTypeId)
const isEffect = (u: unknown): u is Effect.Effect<unknown, unknown> => Effect.isEffect(u)

/** A client whose calls return Promises. The connection layer is built on the first call. */
export const createMediaClient = (options: MediaClientOptions): MediaClientPromise => {
  const runtime = ManagedRuntime.make(
    Layer.scoped(FlatClient, RpcClient.make(AllRpcs, { flatten: true })).pipe(Layer.provide(clientLayer(options)))
  )
  const settle = (effect: Effect.Effect<unknown, unknown, FlatClient>): Promise<unknown> =>
    runtime.runPromiseExit(effect).then((exit) => (Exit.isSuccess(exit) ? exit.value : Promise.reject(Cause.squash(exit.cause))))
  const method = <T extends RpcTag>(tag: T) => (payload: Rpc.PayloadConstructor<RpcOf<T>>) =>
    settle(Effect.flatMap(FlatClient, (client) => {
      const call: unknown = client(tag, payload)
      if (isStream(call)) return Effect.map(Stream.runCollect(call), Chunk.toReadonlyArray)
      return isEffect(call) ? call : Effect.dieMessage(`${tag} answered neither an effect nor a stream`)
    }))
  const methods = Object.fromEntries(Array.from(AllRpcs.requests.values(), (rpc) => [rpc._tag, method(rpc._tag)]))
  return Effect.runSync(
    Effect.map(
      Effect.filterOrDieMessage(Effect.succeed(methods), hasEveryRpc, "the Promise client lacks a method of AllRpcs"),
      (complete) => ({ ...complete, close: () => runtime.dispose() })
    )
  )
}
