/** The activity log: what users and admins did. Written asynchronously; its read API comes later. */
import { Schema } from "effect"

export const ActivityAction = Schema.Literal(
  "auth.register",
  "auth.login",
  "auth.login_failed",
  "auth.logout",
  "auth.password_changed",
  "auth.password_reset",
  "auth.email_verified",
  "auth.mfa_enabled",
  "auth.mfa_disabled",
  "auth.mfa_changed",
  "auth.oidc_linked",
  "auth.oidc_unlinked",
  "oidc.provider_changed",
  "apikey.created",
  "apikey.revoked",
  "rbac.role_assigned",
  "rbac.role_removed",
  "rbac.role_permissions_changed",
  "integration.changed"
)
export type ActivityAction = typeof ActivityAction.Type
