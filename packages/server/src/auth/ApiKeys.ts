/** API keys of the caller: create (secret shown once), list, get, revoke. */
import {
  ApiKeyId,
  ApiKeyInfo,
  Conflict,
  type CreateApiKeyRequest,
  CreatedApiKey,
  type DatabaseError,
  Forbidden,
  NotFound,
  type Principal
} from "@mediaserver/domain"
import { Context, DateTime, Effect, Layer, Option } from "effect"
import { randomUUID } from "node:crypto"
import { ActivityLog } from "../activity/ActivityLog.js"
import { type ApiKeyRow, ApiKeysRepo } from "./ApiKeysRepo.js"
import { Authenticator } from "./Authenticator.js"
import { grantableScopes } from "../access/Policy.js"
import { AppConfig } from "../config/AppConfig.js"
import { digest, newApiKey } from "./Tokens.js"

const DAY_MS = 86_400_000

const toInfo = (row: ApiKeyRow): ApiKeyInfo =>
  new ApiKeyInfo({
    id: row.id,
    name: row.name,
    prefix: `msk_${row.prefix}`,
    scopes: row.scopes,
    createdAt: DateTime.unsafeFromDate(row.created_at),
    lastUsedAt: row.last_used_at === null ? null : DateTime.unsafeFromDate(row.last_used_at),
    expiresAt: row.expires_at === null ? null : DateTime.unsafeFromDate(row.expires_at)
  })

export class ApiKeys extends Context.Tag("@mediaserver/auth/ApiKeys")<
  ApiKeys,
  {
    readonly create: (caller: Principal, request: CreateApiKeyRequest) => Effect.Effect<CreatedApiKey, Forbidden | Conflict | DatabaseError>
    readonly list: (caller: Principal) => Effect.Effect<ReadonlyArray<ApiKeyInfo>, DatabaseError>
    readonly get: (caller: Principal, id: ApiKeyId) => Effect.Effect<ApiKeyInfo, NotFound | DatabaseError>
    readonly revoke: (caller: Principal, id: ApiKeyId) => Effect.Effect<void, NotFound | DatabaseError>
  }
>() {
  static readonly layer = Layer.effect(
    ApiKeys,
    Effect.gen(function* () {
      const repo = yield* ApiKeysRepo
      const maxKeys = (yield* AppConfig).authApiKeysPerUser
      const authenticator = yield* Authenticator
      const activity = yield* ActivityLog
      const notFound = (id: ApiKeyId) => new NotFound({ message: `No API key ${id}` })
      return {
        create: (caller, request) =>
          Effect.gen(function* () {
            // A key never holds more than its creator: a write key cannot mint an admin key, nor a plain user.
            const grantable = grantableScopes(caller)
            const excess = request.scopes.filter((scope) => !grantable.includes(scope))
            if (excess.length > 0) {
              return yield* new Forbidden({ message: `Cannot grant scopes you do not hold: ${excess.join(", ")}` })
            }
            const now = Date.now()
            const live = (yield* repo.list(caller.userId)).filter((row) => row.expires_at === null || row.expires_at.getTime() > now)
            if (live.length >= maxKeys) {
              return yield* new Conflict({ message: `At most ${maxKeys} API keys per user: revoke one first`, details: { limit: maxKeys } })
            }
            const key = newApiKey()
            const row = yield* repo.create({
              id: ApiKeyId.make(randomUUID()),
              userId: caller.userId,
              name: request.name,
              prefix: key.prefix,
              secretHash: digest(key.secret),
              scopes: [...new Set(request.scopes)],
              expiresAt: request.expiresInDays === undefined ? null : new Date(Date.now() + request.expiresInDays * DAY_MS)
            })
            yield* activity.record({
              action: "apikey.created",
              userId: caller.userId,
              resourceType: "apikey",
              resourceId: row.id,
              details: { name: row.name, scopes: row.scopes }
            })
            return new CreatedApiKey({ key: toInfo(row), secret: key.secret })
          }),
        list: (caller) => Effect.map(repo.list(caller.userId), (rows) => rows.map(toInfo)),
        get: (caller, id) =>
          Effect.flatMap(repo.find(caller.userId, id), Option.match({
            onNone: () => Effect.fail(notFound(id)),
            onSome: (row) => Effect.succeed(toInfo(row))
          })),
        revoke: (caller, id) =>
          Effect.gen(function* () {
            const prefix = yield* repo.revoke(caller.userId, id)
            if (Option.isNone(prefix)) return yield* notFound(id)
            yield* authenticator.forgetApiKeys([prefix.value])
            yield* activity.record({ action: "apikey.revoked", userId: caller.userId, resourceType: "apikey", resourceId: id })
          })
      }
    })
  )
}
