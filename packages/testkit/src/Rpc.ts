/** A typed RPC client of one group against a running node, and the headers that sign a call in as `auth`. */
import { FetchHttpClient } from "@effect/platform"
import { type Rpc, RpcClient, type RpcGroup, RpcSerialization } from "@effect/rpc"
import { Effect, Layer } from "effect"
import type { Auth } from "./Http.js"

export const rpcClient = <Rpcs extends Rpc.Any>(group: RpcGroup.RpcGroup<Rpcs>, url: string) =>
  RpcClient.make(group).pipe(
    Effect.provide(RpcClient.layerProtocolHttp({ url: `${url}/rpc` }).pipe(Layer.provide([FetchHttpClient.layer, RpcSerialization.layerNdjson])))
  )

export const rpcAuth = (auth: Auth) =>
  RpcClient.withHeaders("token" in auth ? { authorization: `Bearer ${auth.token}` } : { "x-api-key": auth.apiKey })
