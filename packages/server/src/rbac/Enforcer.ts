/**
 * RBAC enforcement data of a user (built-in role, custom roles, permissions), cached through
 * CacheAside by user id. The Authenticator reads it on every request (an L1 hit), so a role or
 * permission change reaches every node's policies as soon as it is invalidated here.
 */
import type { DatabaseError, UserId } from "@mediaserver/domain"
import { Context, Effect, Layer, type Option } from "effect"
import { CacheAside } from "../cache/index.js"
import { AppConfig } from "../config/AppConfig.js"
import { Grants, RbacRepo } from "./Repo.js"

export class Enforcer extends Context.Tag("@mediaserver/rbac/Enforcer")<
  Enforcer,
  {
    readonly grants: (userId: UserId) => Effect.Effect<Option.Option<Grants>, DatabaseError>
    /** After a change of one user's roles. */
    readonly forgetUser: (userId: UserId) => Effect.Effect<void>
    /** After a change of a role's permissions (it may be anyone's). */
    readonly forgetAll: Effect.Effect<void>
  }
>() {
  static readonly layer = Layer.scoped(
    Enforcer,
    Effect.gen(function* () {
      const repo = yield* RbacRepo
      const cacheOn = (yield* AppConfig).authCacheEnabled
      const cache = yield* CacheAside.make({
        namespace: "rbac-enforce",
        schema: Grants,
        ttl: { l1: "30 seconds", l2: "10 minutes" },
        key: (userId: UserId) => userId
      })
      return {
        grants: (userId) => (cacheOn ? cache.getOption(userId, repo.grants(userId)) : repo.grants(userId)),
        forgetUser: cache.invalidate,
        forgetAll: cache.invalidateAll
      }
    })
  )
}
