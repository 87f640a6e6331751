/** RPC handlers of the OIDC groups: the operations of Operations.ts, with the caller's client facts. */
import { OidcAccountRpcs, OidcRpcs } from "@mediaserver/domain"
import { Effect, Layer } from "effect"
import { fromRpcClient } from "../auth/ClientInfo.js"
import { makeOidcAccountOperations, makeOidcOperations } from "./Operations.js"

const OidcRpcLive = OidcRpcs.toLayer(
  Effect.map(makeOidcOperations, (op) =>
    OidcRpcs.of({ ...op, OidcCallback: (request, { headers }) => fromRpcClient(headers)(op.OidcCallback(request)) }))
)

export const OidcAllRpcLive = Layer.mergeAll(OidcRpcLive, OidcAccountRpcs.toLayer(makeOidcAccountOperations))
