/** The activity log: what users and admins did. Written asynchronously; admins read it (filters, stats). */
import { HttpApiEndpoint, HttpApiGroup } from "@effect/platform"
import { Rpc, RpcGroup } from "@effect/rpc"
import { Schema } from "effect"
import { Forbidden, HttpForbidden, HttpUnavailable, Unavailable } from "./errors.js"
import { Authentication, RpcAuthentication, UserId } from "./identity.js"
import { pageFields, pageResultFields, pageUrlFields } from "./paging.js"
import { about, doc } from "./apiDocs.js"

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
  "integration.changed",
  "notification_agent.changed"
)
export type ActivityAction = typeof ActivityAction.Type

/** One entry of the log as admins read it. */
export class ActivityEntry extends Schema.Class<ActivityEntry>("ActivityEntry")({
  id: Schema.Number,
  at: Schema.String,
  userId: Schema.NullOr(UserId),
  action: Schema.String,
  resourceType: Schema.NullOr(Schema.String),
  resourceId: Schema.NullOr(Schema.String),
  ip: Schema.NullOr(Schema.String),
  userAgent: Schema.NullOr(Schema.String),
  details: Schema.NullOr(Schema.Unknown)
}) {}

/** Time range (ISO instants, `from` inclusive, `to` exclusive) and action, common to every listing. */
const rangeFields = {
  from: Schema.optional(Schema.DateTimeUtc),
  to: Schema.optional(Schema.DateTimeUtc),
  action: Schema.optional(Schema.String)
}
const filterFields = {
  ...rangeFields,
  userId: Schema.optional(UserId),
  resourceType: Schema.optional(Schema.String),
  resourceId: Schema.optional(Schema.String)
}

/** The filter and page of a log listing, as services and RPC take it. */
export const ActivityQuery = Schema.Struct({ ...filterFields, ...pageFields })
export type ActivityQuery = typeof ActivityQuery.Type
export const ActivityUrlParams = Schema.Struct({ ...filterFields, ...pageUrlFields })
const RangeUrlParams = Schema.Struct({ ...rangeFields, ...pageUrlFields })

export class ActivityPage extends Schema.Class<ActivityPage>("ActivityPage")({
  items: Schema.Array(ActivityEntry),
  ...pageResultFields
}) {}

export class ActivityCount extends Schema.Class<ActivityCount>("ActivityCount")({
  key: Schema.String,
  count: Schema.Number
}) {}

export class ActivityStats extends Schema.Class<ActivityStats>("ActivityStats")({
  total: Schema.Number,
  users: Schema.Number,
  byAction: Schema.Array(ActivityCount),
  /** Per UTC day (`YYYY-MM-DD`), oldest first. */
  byDay: Schema.Array(ActivityCount)
}) {}

export const ActivityStatsQuery = Schema.Struct(rangeFields)

export class ActivityActions extends Schema.Class<ActivityActions>("ActivityActions")({
  /** Every action the server records. */
  known: Schema.Array(Schema.String),
  /** The actions present in the log, with how many entries each. */
  recorded: Schema.Array(ActivityCount)
}) {}

const UserPath = Schema.Struct({ userId: UserId })
const ResourcePath = Schema.Struct({ resourceType: Schema.String, resourceId: Schema.String })

export class AdminActivityApi extends HttpApiGroup.make("adminActivity")
  .annotateContext(about("Admin: the activity log of user and admin actions, filtered by time, action, user or resource, and its statistics."))
  .add(
    HttpApiEndpoint.get("list", "/admin/activity").setUrlParams(ActivityUrlParams).addSuccess(ActivityPage)
      .annotateContext(doc("List activity", "Activity entries by page, newest first, filtered by time range, action, user and resource."))
  )
  .add(
    HttpApiEndpoint.get("byUser", "/admin/activity/users/:userId").setPath(UserPath).setUrlParams(RangeUrlParams).addSuccess(ActivityPage)
      .annotateContext(doc("List a user's activity", "The activity of one user by page, newest first."))
  )
  .add(
    HttpApiEndpoint.get("byResource", "/admin/activity/resources/:resourceType/:resourceId")
      .setPath(ResourcePath)
      .setUrlParams(RangeUrlParams)
      .addSuccess(ActivityPage)
      .annotateContext(doc("List a resource's activity", "The activity on one resource (for example a library or a user) by page, newest first."))
  )
  .add(
    HttpApiEndpoint.get("stats", "/admin/activity/stats").setUrlParams(ActivityStatsQuery).addSuccess(ActivityStats)
      .annotateContext(doc("Activity statistics", "Totals over a time range: entries, distinct users, and counts per action and per day."))
  )
  .add(
    HttpApiEndpoint.get("actions", "/admin/activity/actions").addSuccess(ActivityActions)
      .annotateContext(doc("List activity actions", "The action names the log records, for filters."))
  )
  .middleware(Authentication)
  .addError(HttpForbidden)
  .addError(HttpUnavailable) {}

export class AdminActivityRpcs extends RpcGroup.make(
  Rpc.make("ActivityList", { payload: ActivityQuery, success: ActivityPage, error: Schema.Union(Forbidden, Unavailable) }),
  Rpc.make("ActivityStats", { payload: ActivityStatsQuery, success: ActivityStats, error: Schema.Union(Forbidden, Unavailable) }),
  Rpc.make("ActivityActions", { success: ActivityActions, error: Schema.Union(Forbidden, Unavailable) })
).middleware(RpcAuthentication) {}
