/** Profile features of users: preferences and avatars (accounts themselves are in auth/). */
import { Layer } from "effect"
import { Storage } from "../storage/Storage.js"
import { Profile } from "./Profile.js"

export { Profile } from "./Profile.js"
export { ProfileRpcLive } from "./Rpc.js"
export { UsersHttpLive } from "./Http.js"

export const ProfileLive = Profile.layer.pipe(Layer.provide(Storage.layer))
