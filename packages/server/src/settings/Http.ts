/** REST handlers of settings: each maps its request onto one operation (Operations.ts). */
import { HttpApiBuilder } from "@effect/platform"
import { MediaApi } from "@mediaserver/domain"
import { Effect } from "effect"
import { makeSettingsOperations } from "./Operations.js"

export const SettingsHttpLive = HttpApiBuilder.group(MediaApi, "settings", (handlers) =>
  Effect.map(makeSettingsOperations, (op) =>
    handlers
      .handle("listServer", ({ urlParams }) => op.SettingsServerList(urlParams))
      .handle("getServer", ({ path }) => op.SettingsServerGet(path))
      .handle("setServer", ({ path, payload }) => op.SettingsServerSet({ ...path, ...payload }))
      .handle("listUser", ({ urlParams }) => op.SettingsUserList(urlParams))
      .handle("getUser", ({ path }) => op.SettingsUserGet(path))
      .handle("setUser", ({ path, payload }) => op.SettingsUserSet({ ...path, ...payload }))
      .handle("resetUser", ({ path }) => op.SettingsUserReset(path))
  ))
