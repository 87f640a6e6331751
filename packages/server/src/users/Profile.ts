/**
 * The caller's profile beyond the account: preferences (the user settings, served as one object and
 * cached by the settings service) and the avatar (checked, kept in Storage, served back).
 */
import {
  AvatarType,
  type DatabaseError,
  NotFound,
  PayloadTooLarge,
  type Preferences,
  Unavailable,
  Unprocessable,
  type User,
  type UserId
} from "@mediaserver/domain"
import { Context, Effect, Layer, Option, Schema } from "effect"
import { UserCache } from "../access/UserCache.js"
import { toUser, UsersRepo } from "../auth/UsersRepo.js"
import { AppConfig } from "../config/AppConfig.js"
import { Settings } from "../settings/Service.js"
import { Storage } from "../storage/Storage.js"

export interface Avatar {
  readonly contentType: string
  readonly bytes: Uint8Array
}

const startsWith = (bytes: Uint8Array, signature: ReadonlyArray<number>, offset = 0) =>
  signature.every((byte, i) => bytes[offset + i] === byte)

/** Whether the bytes are what the Content-Type says (a renamed file is refused). */
const looksLike = (type: AvatarType, bytes: Uint8Array): boolean => {
  switch (type) {
    case "image/png":
      return startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
    case "image/jpeg":
      return startsWith(bytes, [0xff, 0xd8, 0xff])
    case "image/gif":
      return startsWith(bytes, [0x47, 0x49, 0x46, 0x38])
    case "image/webp":
      return startsWith(bytes, [0x52, 0x49, 0x46, 0x46]) && startsWith(bytes, [0x57, 0x45, 0x42, 0x50], 8)
  }
}

const avatarKey = (id: UserId) => `avatars/${id}`
const storageDown = (e: { readonly message: string }) => new Unavailable({ message: `Storage unavailable: ${e.message}` })
const isAvatarType = Schema.is(AvatarType)

export class Profile extends Context.Tag("@mediaserver/users/Profile")<
  Profile,
  {
    readonly preferences: (id: UserId) => Effect.Effect<Preferences, DatabaseError>
    readonly updatePreferences: (id: UserId, changes: Preferences) => Effect.Effect<Preferences, Unprocessable | DatabaseError>
    readonly uploadAvatar: (
      id: UserId,
      contentType: string,
      bytes: Uint8Array
    ) => Effect.Effect<User, Unprocessable | PayloadTooLarge | NotFound | Unavailable | DatabaseError>
    readonly avatar: (id: UserId) => Effect.Effect<Avatar, NotFound | Unavailable | DatabaseError>
  }
>() {
  static readonly layer = Layer.effect(
    Profile,
    Effect.gen(function* () {
      const settings = yield* Settings
      const storage = yield* Storage
      const users = yield* UsersRepo
      const userCache = yield* UserCache
      const maxBytes = (yield* AppConfig).avatarMaxBytes
      const noAvatar = (id: UserId) => new NotFound({ message: `User ${id} has no avatar` })

      const preferences = (id: UserId) =>
        settings.list(id).pipe(
          // Every user category exists, so listing them all cannot be a NotFound.
          Effect.catchTag("NotFound", () => Effect.succeed([])),
          Effect.map((all) => Object.fromEntries(all.map((s) => [s.key, s.value])))
        )

      return {
        preferences,
        updatePreferences: (id, changes) =>
          Effect.zipRight(
            settings.setMany(id, Object.entries(changes).map(([key, value]) => ({ key, value })), id),
            preferences(id)
          ),
        uploadAvatar: (id, contentType, bytes) =>
          Effect.gen(function* () {
            const type = contentType.split(";")[0]?.trim().toLowerCase() ?? ""
            if (!isAvatarType(type)) {
              return yield* new Unprocessable({
                message: `content-type: must be one of ${AvatarType.literals.join(", ")}`,
                details: { field: "content-type", allowed: AvatarType.literals }
              })
            }
            if (bytes.length > maxBytes) {
              return yield* new PayloadTooLarge({
                message: `body: an avatar may be at most ${maxBytes} bytes`,
                details: { field: "body", maxBytes }
              })
            }
            if (!looksLike(type, bytes)) {
              return yield* new Unprocessable({
                message: `body: is not a ${type} image`,
                details: { field: "body", reason: "content_mismatch" }
              })
            }
            yield* Effect.mapError(storage.put(avatarKey(id), bytes), storageDown)
            const row = yield* users.setAvatar(id, type)
            yield* userCache.forget(id)
            return Option.isSome(row) ? toUser(row.value) : yield* new NotFound({ message: `No user ${id}` })
          }),
        avatar: (id) =>
          Effect.gen(function* () {
            const row = yield* users.findById(id)
            const contentType = Option.flatMap(row, (r) => Option.fromNullable(r.avatar_type))
            if (Option.isNone(contentType)) return yield* noAvatar(id)
            const bytes = yield* Effect.mapError(storage.get(avatarKey(id)), storageDown)
            if (Option.isNone(bytes)) return yield* noAvatar(id)
            return { contentType: contentType.value, bytes: bytes.value }
          })
      }
    })
  )
}
