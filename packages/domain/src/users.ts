/** Users: the profile of the caller, and the admin's user list and delete. */
import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema } from "@effect/platform"
import { Schema } from "effect"
import { Rpc, RpcGroup } from "@effect/rpc"
import {
  Conflict,
  Forbidden,
  HttpConflict,
  HttpForbidden,
  HttpNotFound,
  HttpPayloadTooLarge,
  HttpUnavailable,
  HttpUnprocessable,
  NotFound,
  PayloadTooLarge,
  Unavailable,
  Unprocessable
} from "./errors.js"
import { Authentication, Role, RpcAuthentication, UserId } from "./identity.js"
import { pageResultFields, pageUrlFields } from "./paging.js"
import { about, doc } from "./apiDocs.js"

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
  /** Where the avatar is served (changes with each upload); null: none. */
  avatarUrl: Schema.NullOr(Schema.String),
  /** Disabled by an admin: cannot sign in, and its sessions and API keys are refused. */
  disabled: Schema.Boolean,
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

/** The admin's user list: a page, filtered by a search of name or email and by role. */
export const UsersListParams = Schema.Struct({
  ...pageUrlFields,
  /** Part of the username, email or display name (any case). */
  search: Schema.optional(Schema.String.pipe(Schema.minLength(1), Schema.maxLength(100))),
  /** Only users with this role (built-in or custom). */
  role: Schema.optional(Schema.String.pipe(Schema.minLength(1), Schema.maxLength(64)))
})

export const userIdParams = Schema.Struct({ userId: UserId })

const userIdPath = userIdParams

/** A user's preferences: every user setting (see settings.ts) by key, defaults included. */
export const Preferences = Schema.Record({ key: Schema.String, value: Schema.Unknown })
export type Preferences = typeof Preferences.Type

/** Image types accepted as avatars (the bytes must match the declared type). */
export const AvatarType = Schema.Literal("image/png", "image/jpeg", "image/webp", "image/gif")
export type AvatarType = typeof AvatarType.Type

export class UsersApi extends HttpApiGroup.make("users")
  .annotateContext(about("The caller's profile, preferences and avatar, and other users' public profiles."))
  .add(
    HttpApiEndpoint.get("me", "/users/me").addSuccess(User)
      .annotateContext(doc("Get my profile", "The caller's account: name, email, role, whether the email is verified, and the avatar URL."))
  )
  .add(
    HttpApiEndpoint.put("updateMe", "/users/me")
      .setPayload(UpdateMeRequest)
      .addSuccess(User)
      .addError(HttpConflict)
      .annotateContext(doc("Update my profile", "Changes the caller's display name or email address (a new address must be verified again). 409 when the email is taken."))
  )
  .add(
    HttpApiEndpoint.get("preferences", "/users/me/preferences").addSuccess(Preferences)
      .annotateContext(doc("Get my preferences", "The caller's preferences: language, subtitles, audio, playback and interface choices."))
  )
  .add(
    HttpApiEndpoint.put("updatePreferences", "/users/me/preferences")
      .setPayload(Preferences)
      .addSuccess(Preferences)
      .addError(HttpUnprocessable)
      .annotateContext(doc("Update my preferences", "Replaces the caller's preferences."))
  )
  .add(
    // The body is the image itself, with its Content-Type (not multipart).
    HttpApiEndpoint.post("uploadAvatar", "/users/me/avatar")
      .setPayload(HttpApiSchema.Uint8Array({ contentType: "image/png" }))
      .addSuccess(User)
      .addError(HttpUnprocessable)
      .addError(HttpPayloadTooLarge)
      .annotateContext(doc("Upload my avatar", "The body is the image itself (PNG, JPEG, WebP or GIF, with its Content-Type, which must match the bytes); it replaces the previous avatar. 413 over the size limit."))
  )
  .add(
    HttpApiEndpoint.get("avatar", "/users/:userId/avatar")
      .setPath(userIdPath)
      .addSuccess(HttpApiSchema.Uint8Array({ contentType: "image/png" }))
      .annotateContext(doc("Get a user's avatar", "The user's avatar image."))
  )
  .add(
    HttpApiEndpoint.get("get", "/users/:userId").setPath(userIdPath).addSuccess(User)
      .annotateContext(doc("Get a user", "Another user's public profile (name and avatar)."))
  )
  .middleware(Authentication)
  .addError(HttpNotFound)
  .addError(HttpForbidden)
  .addError(HttpUnavailable) {}

export class AdminUsersApi extends HttpApiGroup.make("adminUsers")
  .annotateContext(about("Admin: list, search, disable, enable and delete user accounts."))
  .add(
    HttpApiEndpoint.get("list", "/admin/users").setUrlParams(UsersListParams).addSuccess(UsersPage)
      .annotateContext(doc("List users", "Users by page, searched by name or email and filtered by role."))
  )
  .add(
    HttpApiEndpoint.post("disable", "/admin/users/:userId/disable")
      .setPath(userIdPath)
      .addSuccess(User)
      .addError(HttpNotFound)
      .addError(HttpConflict)
      .annotateContext(doc("Disable a user", "The account can no longer log in, and its sessions and API keys stop working at once on every node."))
  )
  .add(
    HttpApiEndpoint.post("enable", "/admin/users/:userId/enable")
      .setPath(userIdPath)
      .addSuccess(User)
      .addError(HttpNotFound)
      .addError(HttpConflict)
      .annotateContext(doc("Enable a user", "The account may log in again."))
  )
  .add(
    HttpApiEndpoint.del("delete", "/admin/users/:userId")
      .setPath(userIdPath)
      .addSuccess(HttpApiSchema.NoContent)
      .addError(HttpNotFound)
      .addError(HttpConflict)
      .annotateContext(doc("Delete a user", "Deletes an account and its sessions, keys and personal data. An admin cannot delete their own account here (409)."))
  )
  .middleware(Authentication)
  .addError(HttpForbidden)
  .addError(HttpUnavailable) {}

const ProfileErrors = Schema.Union(Forbidden, NotFound, Conflict, Unprocessable, PayloadTooLarge, Unavailable)
const AvatarImage = Schema.Struct({ contentType: Schema.String, data: Schema.Uint8ArrayFromBase64 })

export class ProfileRpcs extends RpcGroup.make(
  Rpc.make("UsersGet", { payload: userIdPath, success: User, error: ProfileErrors }),
  Rpc.make("UsersUpdateMe", { payload: UpdateMeRequest, success: User, error: ProfileErrors }),
  Rpc.make("UsersGetPreferences", { success: Preferences, error: ProfileErrors }),
  Rpc.make("UsersUpdatePreferences", { payload: Preferences, success: Preferences, error: ProfileErrors }),
  Rpc.make("UsersUploadAvatar", { payload: AvatarImage, success: User, error: ProfileErrors }),
  Rpc.make("UsersGetAvatar", { payload: userIdPath, success: AvatarImage, error: ProfileErrors })
).middleware(RpcAuthentication) {}
