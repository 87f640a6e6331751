/** RPC handlers of `ProfileRpcs`: the same services and policies as the REST users handlers. */
import { CurrentUser, ProfileRpcs } from "@mediaserver/domain"
import { Effect } from "effect"
import { any, canRead, canWrite, requirePermission, requireSelf, withPolicy } from "../auth/Policy.js"
import { Users } from "../auth/Users.js"
import { Profile } from "./Profile.js"

export const ProfileRpcLive = ProfileRpcs.toLayer(
  Effect.gen(function* () {
    const users = yield* Users
    const profile = yield* Profile
    const me = CurrentUser
    return {
      UsersGet: ({ userId }) => withPolicy(any(requireSelf(userId), requirePermission("users:read")))(users.get(userId)),
      UsersUpdateMe: (request) => withPolicy(canWrite)(Effect.flatMap(me, (caller) => users.updateMe(caller, request))),
      UsersGetPreferences: () => withPolicy(canRead)(Effect.flatMap(me, (caller) => profile.preferences(caller.userId))),
      UsersUpdatePreferences: (changes) =>
        withPolicy(canWrite)(Effect.flatMap(me, (caller) => profile.updatePreferences(caller.userId, changes))),
      UsersUploadAvatar: ({ contentType, data }) =>
        withPolicy(canWrite)(Effect.flatMap(me, (caller) => profile.uploadAvatar(caller.userId, contentType, data))),
      UsersGetAvatar: ({ userId }) =>
        withPolicy(canRead)(Effect.map(profile.avatar(userId), ({ bytes, contentType }) => ({ contentType, data: bytes })))
    }
  })
)
