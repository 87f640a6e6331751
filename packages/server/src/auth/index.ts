/**
 * Identity and access: accounts, sessions, API keys, users, and the one authentication path
 * (Authenticator, used by the HTTP and RPC middleware) with policies for authorization.
 */
import { Layer } from "effect"
import { Accounts } from "./Accounts.js"
import { ApiKeys } from "./ApiKeys.js"
import { ApiKeysRepo } from "./ApiKeysRepo.js"
import { Authenticator } from "./Authenticator.js"
import { EmailFlows } from "./EmailFlows.js"
import { EmailTokensRepo } from "./EmailTokensRepo.js"
import { LoginLimiter } from "./LoginLimiter.js"
import { Passwords } from "./Passwords.js"
import { SecretBox } from "./SecretBox.js"
import { SessionsRepo } from "./SessionsRepo.js"
import { Users } from "./Users.js"
import { UserCache } from "../access/UserCache.js"
import { UsersRepo } from "./UsersRepo.js"
import { ActivityLog } from "../activity/ActivityLog.js"
import { Mailer } from "../email/Mailer.js"
import { RequestLimits } from "./RequestLimits.js"
import { Enforcer, Rbac, RbacRepo } from "../rbac/index.js"

export { AuthCleanup } from "./Cleanup.js"
export { AuthenticationLive, RpcAuthenticationLive } from "./Middleware.js"
export { IdentityHttpLive } from "./Http.js"
export { IdentityRpcLive } from "./Rpc.js"

const Repos = Layer.mergeAll(UsersRepo.layer, SessionsRepo.layer, ApiKeysRepo.layer, EmailTokensRepo.layer, Mailer.layer, ActivityLog.layer, RbacRepo.layer)

/** The identity services (needs SqlClient, CacheStore, RedisConnection, AppConfig, and the LoginGate of mfa/). */
export const IdentityLive = Layer.mergeAll(Accounts.layer, ApiKeys.layer, Users.layer, Rbac.layer).pipe(
  Layer.provideMerge(EmailFlows.layer),
  Layer.provideMerge(Layer.mergeAll(Authenticator.layer, LoginLimiter.layer, RequestLimits.layer)),
  Layer.provideMerge(Layer.merge(Enforcer.layer, UserCache.layer)),
  Layer.provideMerge(Layer.merge(Passwords.layer, SecretBox.layer)),
  Layer.provideMerge(Repos)
)
