/** RPC handlers of `IdentityRpcs`: the operations of Operations.ts, with the caller's client facts. */
import { IdentityRpcs } from "@mediaserver/domain"
import { Effect } from "effect"
import { fromRpcClient } from "./ClientInfo.js"
import { makeIdentityOperations } from "./Operations.js"

export const IdentityRpcLive = IdentityRpcs.toLayer(
  Effect.map(makeIdentityOperations, (op) =>
    IdentityRpcs.of({
      ...op,
      AuthLogin: (request, { headers }) => fromRpcClient(headers)(op.AuthLogin(request)),
      AuthVerifyEmail: (request, { headers }) => fromRpcClient(headers)(op.AuthVerifyEmail(request)),
      AuthResendVerification: (request, { headers }) => fromRpcClient(headers)(op.AuthResendVerification(request)),
      AuthForgotPassword: (request, { headers }) => fromRpcClient(headers)(op.AuthForgotPassword(request)),
      AuthResetPassword: (request, { headers }) => fromRpcClient(headers)(op.AuthResetPassword(request))
    }))
)
