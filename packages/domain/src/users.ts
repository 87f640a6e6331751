/** Users: the profile of the caller, and the admin's user list and delete. */
import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema } from "@effect/platform"
import { Schema } from "effect"
import { HttpConflict, HttpForbidden, HttpNotFound, HttpUnavailable } from "./errors.js"
import { Authentication, Role, UserId } from "./identity.js"
import { pageResultFields, pageUrlFields } from "./paging.js"

export const Username = Schema.String.pipe(
  Schema.pattern(/^[A-Za-z0-9][A-Za-z0-9._-]{2,31}$/, {
    message: () => "3-32 characters: letters, digits, '.', '_' or '-', starting with a letter or digit"
  })
)
export const Email = Schema.String.pipe(
  Schema.maxLength(254),
  Schema.pattern(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, { message: () => "a valid email address" })
)

export class User extends Schema.Class<User>("User")({
  id: UserId,
  username: Schema.String,
  email: Schema.String,
  displayName: Schema.NullOr(Schema.String),
  role: Role,
  /** The address was confirmed through the link of a verification mail. */
  emailVerified: Schema.Boolean,
  createdAt: Schema.DateTimeUtc
}) {}

export class UpdateMeRequest extends Schema.Class<UpdateMeRequest>("UpdateMeRequest")({
  email: Schema.optional(Email),
  displayName: Schema.optional(Schema.NullOr(Schema.String.pipe(Schema.maxLength(100))))
}) {}

export class UsersPage extends Schema.Class<UsersPage>("UsersPage")({
  items: Schema.Array(User),
  ...pageResultFields
}) {}

export const PageParams = Schema.Struct(pageUrlFields)

const userIdPath = Schema.Struct({ userId: UserId })

export class UsersApi extends HttpApiGroup.make("users")
  .add(HttpApiEndpoint.get("me", "/users/me").addSuccess(User))
  .add(
    HttpApiEndpoint.put("updateMe", "/users/me")
      .setPayload(UpdateMeRequest)
      .addSuccess(User)
      .addError(HttpConflict)
  )
  .add(HttpApiEndpoint.get("get", "/users/:userId").setPath(userIdPath).addSuccess(User))
  .middleware(Authentication)
  .addError(HttpNotFound)
  .addError(HttpForbidden)
  .addError(HttpUnavailable) {}

export class AdminUsersApi extends HttpApiGroup.make("adminUsers")
  .add(HttpApiEndpoint.get("list", "/admin/users").setUrlParams(PageParams).addSuccess(UsersPage))
  .add(
    HttpApiEndpoint.del("delete", "/admin/users/:userId")
      .setPath(userIdPath)
      .addSuccess(HttpApiSchema.NoContent)
      .addError(HttpNotFound)
      .addError(HttpConflict)
  )
  .middleware(Authentication)
  .addError(HttpForbidden)
  .addError(HttpUnavailable) {}
