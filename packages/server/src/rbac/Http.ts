/** REST handlers of RBAC: each maps its request onto one operation (Operations.ts). */
import { HttpApiBuilder } from "@effect/platform"
import { MediaApi } from "@mediaserver/domain"
import { Effect } from "effect"
import { makeRbacOperations } from "./Operations.js"

export const RbacHttpLive = HttpApiBuilder.group(MediaApi, "rbac", (handlers) =>
  Effect.map(makeRbacOperations, (op) =>
    handlers
      .handle("permissions", () => op.RbacPermissions())
      .handle("listRoles", () => op.RbacListRoles())
      .handle("createRole", ({ payload }) => op.RbacCreateRole(payload))
      .handle("getRole", ({ path }) => op.RbacGetRole(path))
      .handle("deleteRole", ({ path, urlParams }) => op.RbacDeleteRole({ ...path, unassign: urlParams.unassign }))
      .handle("setPermissions", ({ path, payload }) => op.RbacSetPermissions({ ...path, ...payload }))
      .handle("userRoles", ({ path }) => op.RbacUserRoles(path))
      .handle("assignRole", ({ path, payload }) => op.RbacAssignRole({ ...path, ...payload }))
      .handle("removeRole", ({ path }) => Effect.asVoid(op.RbacRemoveRole(path)))
      .handle("listPolicies", () => op.RbacListPolicies())
      .handle("addPolicy", ({ payload }) => op.RbacAddPolicy(payload))
      .handle("removePolicy", ({ urlParams }) => op.RbacRemovePolicy(urlParams))
  ))
