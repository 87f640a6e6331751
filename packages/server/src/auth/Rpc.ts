/** RPC handlers of `IdentityRpcs`: the operations of Operations.ts, with the caller's client facts. */
import { IdentityRpcs } from "@mediaserver/domain"
import { Effect } from "effect"
import { fromRpcClient } from "./ClientInfo.js"
import { makeIdentityOperations } from "./Operations.js"

export const IdentityRpcLive = IdentityRpcs.toLayer(
  Effect.map(makeIdentityOperations, (op) =>
    IdentityRpcs.of({ ...op, AuthLogin: (request, { headers }) => fromRpcClient(headers)(op.AuthLogin(request)) }))
)
