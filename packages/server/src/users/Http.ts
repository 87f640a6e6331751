/** REST handlers of the users groups: each maps its request onto one operation. */
import { HttpApiBuilder, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { MediaApi } from "@mediaserver/domain"
import { Effect, Layer } from "effect"
import { makeAccountOperations, makeIdentityOperations } from "../auth/Operations.js"
import { makeProfileOperations } from "./Operations.js"

const UsersHttp = HttpApiBuilder.group(MediaApi, "users", (handlers) =>
  Effect.gen(function* () {
    const op = yield* makeProfileOperations
    const identity = yield* makeIdentityOperations
    return handlers
      .handle("me", () => identity.UsersMe())
      .handle("updateMe", ({ payload }) => op.UsersUpdateMe(payload))
      .handle("preferences", () => op.UsersGetPreferences())
      .handle("updatePreferences", ({ payload }) => op.UsersUpdatePreferences(payload))
      .handle("uploadAvatar", ({ payload }) =>
        Effect.flatMap(HttpServerRequest.HttpServerRequest, (request) =>
          op.UsersUploadAvatar({ contentType: request.headers["content-type"] ?? "", data: payload })))
      .handleRaw("avatar", ({ path }) =>
        op.UsersGetAvatar(path).pipe(
          // The URL changes with each upload (?v=...), so a client may keep what it fetched.
          Effect.map(({ contentType, data }) =>
            HttpServerResponse.uint8Array(data, { contentType, headers: { "cache-control": "private, max-age=86400" } }))
        ))
      .handle("get", ({ path }) => op.UsersGet(path))
  })
)

const AdminUsersHttp = HttpApiBuilder.group(MediaApi, "adminUsers", (handlers) =>
  Effect.gen(function* () {
    const identity = yield* makeIdentityOperations
    const account = yield* makeAccountOperations
    return handlers
      .handle("list", ({ urlParams }) => identity.UsersList(urlParams))
      .handle("delete", ({ path }) => account.AdminUsersDelete(path))
      .handle("disable", ({ path }) => identity.UsersSetDisabled({ ...path, disabled: true }))
      .handle("enable", ({ path }) => identity.UsersSetDisabled({ ...path, disabled: false }))
  })
)

export const UsersHttpLive = Layer.mergeAll(UsersHttp, AdminUsersHttp)
