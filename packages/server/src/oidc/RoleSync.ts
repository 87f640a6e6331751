/**
 * A provider's group -> role mapping, applied at each sign-in: the highest built-in role any of the
 * user's groups maps to becomes their role (no mapped group: the role stays). The change goes through
 * Rbac.assignRole like an admin's (activity log, cache invalidation); the last admin stays admin.
 */
import type { DatabaseError, NotFound, Role, UserId } from "@mediaserver/domain"
import { Context, Effect, Layer, Option } from "effect"
import { UsersRepo } from "../auth/UsersRepo.js"
import { Rbac } from "../rbac/Service.js"

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
    /** `provider`: the slug, logged as who changed the role. */
    readonly apply: (
      userId: UserId,
      provider: string,
      mapping: Readonly<Record<string, Role>>,
      groups: ReadonlyArray<string>
    ) => Effect.Effect<void, DatabaseError | NotFound>
  }
>() {
  static readonly layer = Layer.effect(
    RoleSync,
    Effect.gen(function* () {
      const rbac = yield* Rbac
      const users = yield* UsersRepo
      return {
        apply: (userId, provider, mapping, groups) =>
          Effect.gen(function* () {
            const role = mappedRole(mapping, groups)
            const user = yield* users.findById(userId)
            if (Option.isNone(role) || Option.isNone(user) || user.value.role === role.value) return
            yield* rbac.assignRole({ system: `oidc:${provider}` }, userId, role.value).pipe(
              Effect.catchTag("Conflict", (e) => Effect.logWarning(`oidc: role of ${userId} kept: ${e.message}`))
            )
          })
      }
    })
  )
}
