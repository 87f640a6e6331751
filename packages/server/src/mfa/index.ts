/**
 * Second factors: TOTP, backup codes and WebAuthn (Mfa), the completion of MFA logins (MfaLogin), and
 * the LoginGate that makes a password login with MFA answer a challenge.
 */
import { Layer } from "effect"
import { Mfa } from "./Mfa.js"
import { MfaChallenges } from "./MfaChallenges.js"
import { MfaLogin } from "./MfaLogin.js"
import { MfaRepo } from "./MfaRepo.js"
import { SecondFactor } from "./SecondFactor.js"
import { WebAuthn } from "./WebAuthn.js"

export { MfaHttpLive } from "./Http.js"
export { MfaAllRpcLive } from "./Rpc.js"

/** The gate Accounts needs (needs SqlClient, CacheStore, AppConfig). */
export const MfaGateLive = MfaChallenges.gate.pipe(Layer.provideMerge(MfaChallenges.layer), Layer.provideMerge(MfaRepo.layer))

/** The MFA services (needs the identity services, SecretBox among them, and MfaGateLive). */
export const MfaLive = Layer.mergeAll(Mfa.layer, MfaLogin.layer).pipe(
  Layer.provideMerge(SecondFactor.layer),
  Layer.provideMerge(WebAuthn.layer)
)
