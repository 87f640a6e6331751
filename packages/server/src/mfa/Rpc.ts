/** RPC handlers of the MFA groups: the operations of Operations.ts, with the caller's client facts. */
import { MfaLoginRpcs, MfaRpcs } from "@mediaserver/domain"
import { Effect, Layer } from "effect"
import { fromRpcClient } from "../auth/ClientInfo.js"
import { makeMfaLoginOperations, makeMfaOperations } from "./Operations.js"

const MfaRpcLive = MfaRpcs.toLayer(
  Effect.map(makeMfaOperations, (op) =>
    MfaRpcs.of({
      ...op,
      MfaTotpVerify: (request, { headers }) => fromRpcClient(headers)(op.MfaTotpVerify(request)),
      MfaTotpDelete: (proof, { headers }) => fromRpcClient(headers)(op.MfaTotpDelete(proof)),
      MfaDisable: (proof, { headers }) => fromRpcClient(headers)(op.MfaDisable(proof)),
      MfaRemoveAll: (request, { headers }) => fromRpcClient(headers)(op.MfaRemoveAll(request))
    }))
)

const MfaLoginRpcLive = MfaLoginRpcs.toLayer(
  Effect.map(makeMfaLoginOperations, (op) =>
    MfaLoginRpcs.of({
      ...op,
      MfaLogin: (request, { headers }) => fromRpcClient(headers)(op.MfaLogin(request)),
      MfaWebAuthnLoginBegin: (request, { headers }) => fromRpcClient(headers)(op.MfaWebAuthnLoginBegin(request)),
      MfaWebAuthnLoginFinish: (request, { headers }) => fromRpcClient(headers)(op.MfaWebAuthnLoginFinish(request))
    }))
)

export const MfaAllRpcLive = Layer.mergeAll(MfaRpcLive, MfaLoginRpcLive)
