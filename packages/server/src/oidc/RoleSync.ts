/**
 * A provider's group -> role mapping, applied at each sign-in: the highest built-in role any of the
 * user's groups maps to becomes their role (no mapped group: the role stays). The last admin stays
 * admin (the repository refuses); the caches of the user's grants and profile are dropped on change.
 */
import type { DatabaseError, NotFound, Role, UserId } from "@mediaserver/domain"
import { Context, Effect, Layer, Option } from "effect"
import { UserCache } from "../auth/UserCache.js"
import { UsersRepo } from "../auth/UsersRepo.js"
import { Enforcer } from "../rbac/Enforcer.js"
import { RbacRepo } from "../rbac/Repo.js"

const RANK: Readonly<Record<Role, number>> = { guest: 1, user: 2, admin: 3 }

export const mappedRole = (mapping: Readonly<Record<string, Role>>, groups: ReadonlyArray<string>): Option.Option<Role> =>
  groups.reduce<Option.Option<Role>>((best, group) => {
    const role = mapping[group]
    if (role === undefined) return best
    return Option.isSome(best) && RANK[best.value] >= RANK[role] ? best : Option.some(role)
  }, Option.none())

export class RoleSync extends Context.Tag("@mediaserver/oidc/RoleSync")<
  RoleSync,
  {
    readonly apply: (userId: UserId, mapping: Readonly<Record<string, Role>>, groups: ReadonlyArray<string>) => Effect.Effect<void, DatabaseError | NotFound>
  }
>() {
  static readonly layer = Layer.effect(
    RoleSync,
    Effect.gen(function* () {
      const rbac = yield* RbacRepo
      const users = yield* UsersRepo
      const enforcer = yield* Enforcer
      const userCache = yield* UserCache
      return {
        apply: (userId, mapping, groups) =>
          Effect.gen(function* () {
            const role = mappedRole(mapping, groups)
            const user = yield* users.findById(userId)
            if (Option.isNone(role) || Option.isNone(user) || user.value.role === role.value) return
            yield* rbac.setBuiltinRole(userId, role.value).pipe(
              Effect.catchTag("Conflict", (e) => Effect.logWarning(`oidc: role of ${userId} kept: ${e.message}`))
            )
            yield* enforcer.forgetUser(userId)
            yield* userCache.forget(userId)
          })
      }
    })
  )
}
