/** Users: the caller's profile, user by id, and the admin's list (search, role), disable/enable and delete. */
import {
  type Conflict,
  type DatabaseError,
  NotFound,
  pageWindow,
  type Principal,
  type UpdateMeRequest,
  type User,
  type UserId,
  UsersPage
} from "@mediaserver/domain"
import { Context, Effect, Layer, Option } from "effect"
import { Enforcer } from "../rbac/Enforcer.js"
import { Authenticator } from "./Authenticator.js"
import { EmailFlows } from "./EmailFlows.js"
import { UserCache } from "../access/UserCache.js"
import { toUser, type UserListQuery, type UserRow, UsersRepo } from "./UsersRepo.js"

const DEFAULT_PAGE_SIZE = 50

export class Users extends Context.Tag("@mediaserver/auth/Users")<
  Users,
  {
    readonly get: (id: UserId) => Effect.Effect<User, NotFound | DatabaseError>
    readonly updateMe: (caller: Principal, request: UpdateMeRequest) => Effect.Effect<User, NotFound | Conflict | DatabaseError>
    readonly list: (
      query: Parameters<typeof pageWindow>[0] & Omit<Partial<UserListQuery>, "limit" | "offset">
    ) => Effect.Effect<UsersPage, DatabaseError>
    /**
     * Disabling ends the account's sessions and refuses its API keys, on every node at once (the
     * authenticator reads the flag from the RBAC grants, whose cache entry is dropped everywhere).
     */
    readonly setDisabled: (id: UserId, disabled: boolean) => Effect.Effect<User, NotFound | DatabaseError>
    /** Their sessions and keys go with them, on every node at once. */
    readonly delete: (id: UserId) => Effect.Effect<void, NotFound | Conflict | DatabaseError>
  }
>() {
  static readonly layer = Layer.effect(
    Users,
    Effect.gen(function* () {
      const repo = yield* UsersRepo
      const authenticator = yield* Authenticator
      const email = yield* EmailFlows
      const cache = yield* UserCache
      const enforcer = yield* Enforcer
      const found = (id: UserId) =>
        Option.match({
          onNone: () => Effect.fail(new NotFound({ message: `No user ${id}` })),
          onSome: (row: UserRow) => Effect.succeed(toUser(row))
        })
      return {
        get: (id) =>
          Effect.flatMap(cache.get(id, Effect.map(repo.findById(id), Option.map(toUser))), Option.match({
            onNone: () => Effect.fail(new NotFound({ message: `No user ${id}` })),
            onSome: Effect.succeed
          })),
        updateMe: (caller, request) =>
          Effect.gen(function* () {
            const updated = yield* repo.updateProfile(caller.userId, request)
            yield* cache.forget(caller.userId)
            // A changed address is unverified again: send its verification mail.
            if (Option.isSome(updated) && updated.value.email_verified_at === null && request.email !== undefined) {
              yield* email.welcome(updated.value)
            }
            return yield* found(caller.userId)(updated)
          }),
        list: (params) => {
          const window = pageWindow(params, DEFAULT_PAGE_SIZE)
          return Effect.map(repo.list({ ...window, search: params.search, role: params.role }), ({ rows, total }) =>
            new UsersPage({ items: rows.map(toUser), total, ...window }))
        },
        setDisabled: (id, disabled) =>
          Effect.gen(function* () {
            const changed = yield* repo.setDisabled(id, disabled)
            yield* enforcer.forgetUser(id)
            yield* cache.forget(id)
            yield* authenticator.forgetSessions(Option.match(changed, { onNone: () => [], onSome: (c) => c.accessHashes }))
            return yield* found(id)(Option.map(changed, (c) => c.row))
          }),
        delete: (id) =>
          Effect.gen(function* () {
            const gone = yield* repo.delete(id)
            yield* cache.forget(id)
            yield* authenticator.forgetSessions(gone.accessHashes)
            yield* authenticator.forgetApiKeys(gone.apiKeyPrefixes)
          })
      }
    })
  )
}
