/** Every RBAC operation once (named as in RbacRpcs): all of them admin only. */
import { RbacRpcs } from "@mediaserver/domain"
import { Effect } from "effect"
import { asCaller, requireAdmin, withPolicy } from "../access/Policy.js"
import { Rbac } from "./Service.js"

export const makeRbacOperations = Effect.gen(function* () {
  const rbac = yield* Rbac
  const admin = withPolicy(requireAdmin)
  const asAdmin = asCaller(requireAdmin)
  return RbacRpcs.of({
    RbacPermissions: () => admin(Effect.succeed(rbac.permissions)),
    RbacListRoles: () => admin(rbac.listRoles),
    RbacCreateRole: (request) => asAdmin((actor) => rbac.createRole(actor, request)),
    RbacGetRole: ({ roleName }) => admin(rbac.getRole(roleName)),
    RbacDeleteRole: ({ roleName, unassign }) => asAdmin((actor) => rbac.deleteRole(actor, roleName, unassign ?? false)),
    RbacSetPermissions: ({ permissions, roleName }) => asAdmin((actor) => rbac.setPermissions(actor, roleName, permissions)),
    RbacUserRoles: ({ userId }) => admin(rbac.userRoles(userId)),
    RbacAssignRole: ({ role, userId }) => asAdmin((actor) => rbac.assignRole(actor, userId, role)),
    RbacRemoveRole: ({ role, userId }) => asAdmin((actor) => rbac.removeRole(actor, userId, role)),
    RbacListPolicies: () => admin(rbac.listPolicies),
    RbacAddPolicy: (rule) => asAdmin((actor) => rbac.addPolicy(actor, rule)),
    RbacRemovePolicy: (rule) => asAdmin((actor) => rbac.removePolicy(actor, rule))
  })
})
