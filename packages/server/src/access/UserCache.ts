/**
 * The public view of a user (`User`, never the password hash) by id, cached through CacheAside.
 * Every write that changes what it shows calls `forget`: profile and email changes, verification,
 * avatar upload, built-in role changes, deletion.
 */
import { User, type UserId } from "@mediaserver/domain"
import { Context, Effect, Layer, type Option } from "effect"
import { CacheAside } from "../cache/index.js"

export class UserCache extends Context.Tag("@mediaserver/auth/UserCache")<
  UserCache,
  {
    readonly get: <E, R>(id: UserId, lookup: Effect.Effect<Option.Option<User>, E, R>) => Effect.Effect<Option.Option<User>, E, R>
    readonly forget: (id: UserId) => Effect.Effect<void>
  }
>() {
  static readonly layer = Layer.scoped(
    UserCache,
    Effect.map(
      CacheAside.make({ namespace: "user", schema: User, ttl: { l1: "30 seconds", l2: "10 minutes" }, key: (id: UserId) => id }),
      (cache) => ({ get: cache.getOption, forget: cache.invalidate })
    )
  )
}
