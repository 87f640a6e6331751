/** REST handlers of RBAC: every operation is admin only (one policy line). */
import { HttpApiBuilder } from "@effect/platform"
import { CurrentUser, MediaApi } from "@mediaserver/domain"
import { Effect } from "effect"
import { requireAdmin, withPolicy } from "../auth/Policy.js"
import { Rbac } from "./Service.js"

export const RbacHttpLive = HttpApiBuilder.group(MediaApi, "rbac", (handlers) =>
  Effect.gen(function* () {
    const rbac = yield* Rbac
    const admin = withPolicy(requireAdmin)
    const asAdmin = <A, E, R>(f: (actor: CurrentUser["Type"]) => Effect.Effect<A, E, R>) => admin(Effect.flatMap(CurrentUser, f))
    return handlers
      .handle("permissions", () => admin(Effect.succeed(rbac.permissions)))
      .handle("listRoles", () => admin(rbac.listRoles))
      .handle("createRole", ({ payload }) => asAdmin((actor) => rbac.createRole(actor, payload)))
      .handle("getRole", ({ path }) => admin(rbac.getRole(path.roleName)))
      .handle("deleteRole", ({ path }) => asAdmin((actor) => rbac.deleteRole(actor, path.roleName)))
      .handle("setPermissions", ({ path, payload }) =>
        asAdmin((actor) => rbac.setPermissions(actor, path.roleName, payload.permissions)))
      .handle("userRoles", ({ path }) => admin(rbac.userRoles(path.userId)))
      .handle("assignRole", ({ path, payload }) => asAdmin((actor) => rbac.assignRole(actor, path.userId, payload.role)))
      .handle("removeRole", ({ path }) => asAdmin((actor) => rbac.removeRole(actor, path.userId, path.role)))
      .handle("listPolicies", () => admin(rbac.listPolicies))
      .handle("addPolicy", ({ payload }) => asAdmin((actor) => rbac.addPolicy(actor, payload)))
      .handle("removePolicy", ({ urlParams }) => asAdmin((actor) => rbac.removePolicy(actor, urlParams)))
  })
)
