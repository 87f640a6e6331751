/**
 * Authorization as values. A `Policy` reads the `CurrentUser` the middleware provided and either
 * passes or fails with Forbidden; handlers use one line: `withPolicy(requireAdmin)(effect)`.
 * Policies compose with `all` / `any`. Scopes are ordered: admin > write > read.
 */
import {
  type ApiKeyScope,
  CurrentUser,
  DatabaseError,
  Forbidden,
  type Permission,
  type UserId,
  Unavailable
} from "@mediaserver/domain"
import { Effect } from "effect"

export type Policy = Effect.Effect<void, Forbidden, CurrentUser>

/** A database failure as the 503 callers see (the operation names what was being read). */
export const unavailable = (error: DatabaseError) => new Unavailable({ message: `Database unavailable (${error.operation})` })

const check = (allowed: (user: CurrentUser["Type"]) => boolean, message: string): Policy =>
  Effect.flatMap(CurrentUser, (user) => (allowed(user) ? Effect.void : Effect.fail(new Forbidden({ message }))))

const rank: Readonly<Record<ApiKeyScope, number>> = { read: 1, write: 2, admin: 3 }
export const scopeCovers = (held: ReadonlyArray<ApiKeyScope>, wanted: ApiKeyScope) =>
  held.some((scope) => rank[scope] >= rank[wanted])

export const requireScope = (scope: ApiKeyScope): Policy =>
  check((user) => scopeCovers(user.scopes, scope), `This operation needs the '${scope}' scope`)

export const requirePermission = (permission: Permission): Policy =>
  check((user) => user.permissions.includes(permission), `This operation needs the permission ${permission}`)

/** Signed in with a session (not an API key): logout, password and session management. */
export const requireSession: Policy = check((user) => user.via === "session", "This operation needs a session, not an API key")

export const requireSelf = (userId: UserId): Policy => check((user) => user.userId === userId, "Not your account")

/** All must pass (the first failure is reported). */
export const all = (...policies: ReadonlyArray<Policy>): Policy => Effect.forEach(policies, (p) => p, { discard: true })

/** One must pass (the last failure is reported). */
export const any = (first: Policy, ...rest: ReadonlyArray<Policy>): Policy =>
  rest.reduce((acc, next) => Effect.orElse(acc, () => next), first)

/** The admin role, or any role granted `system:admin` (RBAC: permissions are data; admin always has it). */
export const isAdmin = (user: CurrentUser["Type"]): boolean => user.permissions.includes("system:admin")

/**
 * The scopes a caller may put on a key they create: never more than the credential in use holds, and
 * `admin` only for an administrator (a plain account's key cannot do what the account cannot).
 */
export const grantableScopes = (user: CurrentUser["Type"]): ReadonlyArray<ApiKeyScope> =>
  (["read", "write", "admin"] as const).filter((scope) => scopeCovers(user.scopes, scope) && (scope !== "admin" || isAdmin(user)))

export const requireAdmin: Policy = all(
  check(isAdmin, "This operation needs the admin role"),
  requireScope("admin")
)
export const canRead: Policy = requireScope("read")
export const canWrite: Policy = requireScope("write")

/**
 * Runs `effect` only if `policy` passes. Also maps database failures to 503 here, once for every
 * handler, so no handler repeats either block.
 */
export const withPolicy = <PE = Forbidden, PR = CurrentUser>(policy: Effect.Effect<void, PE, PR>) =>
<A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, Exclude<E | PE, Extract<E | PE, DatabaseError>> | Unavailable, R | PR> =>
  policy.pipe(Effect.zipRight(effect), orUnavailable)

/**
 * `withPolicy` for an operation of the caller: `asCaller(canWrite)((me) => ...)` runs `f` with the
 * `CurrentUser` once the policy passed.
 */
export const asCaller = (policy: Policy) =>
<A, E, R>(f: (caller: CurrentUser["Type"]) => Effect.Effect<A, E, R>) => withPolicy(policy)(Effect.flatMap(CurrentUser, f))

/** Database failures as 503, for handlers without a policy (login, register, refresh). */
export const orUnavailable = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, Exclude<E, Extract<E, DatabaseError>> | Unavailable, R> =>
  Effect.catchIf(effect, (e): e is Extract<E, DatabaseError> => e instanceof DatabaseError, (e) => Effect.fail(unavailable(e)))
