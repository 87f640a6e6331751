/**
 * Every user operation once (named as in ProfileRpcs): a user reads and changes their own profile,
 * preferences and avatar; another user's account needs `users:read`. The REST handlers map onto these.
 */
import { ProfileRpcs } from "@mediaserver/domain"
import { Effect } from "effect"
import { any, asCaller, canRead, canWrite, requirePermission, requireSelf, withPolicy } from "../access/Policy.js"
import { Users } from "../auth/Users.js"
import { Profile } from "./Profile.js"

export const makeProfileOperations = Effect.gen(function* () {
  const users = yield* Users
  const profile = yield* Profile
  const read = asCaller(canRead)
  const write = asCaller(canWrite)
  return ProfileRpcs.of({
    UsersGet: ({ userId }) => withPolicy(any(requireSelf(userId), requirePermission("users:read")))(users.get(userId)),
    UsersUpdateMe: (request) => write((me) => users.updateMe(me, request)),
    UsersGetPreferences: () => read((me) => profile.preferences(me.userId)),
    UsersUpdatePreferences: (changes) => write((me) => profile.updatePreferences(me.userId, changes)),
    UsersUploadAvatar: ({ contentType, data }) => write((me) => profile.uploadAvatar(me.userId, contentType, data)),
    UsersGetAvatar: ({ userId }) =>
      withPolicy(canRead)(Effect.map(profile.avatar(userId), ({ bytes, contentType }) => ({ contentType, data: bytes })))
  })
})
