/**
 * REST handlers of the admin activity group: each maps its request onto one operation (Operations.ts);
 * by user and by resource are the listing with that filter from the path.
 */
import { HttpApiBuilder } from "@effect/platform"
import { MediaApi } from "@mediaserver/domain"
import { Effect, Layer } from "effect"
import { AdminActivity } from "./AdminActivity.js"
import { makeAdminActivityOperations } from "./Operations.js"

export const AdminActivityHttpLive = HttpApiBuilder.group(MediaApi, "adminActivity", (handlers) =>
  Effect.map(makeAdminActivityOperations, (op) =>
    handlers
      .handle("list", ({ urlParams }) => op.ActivityList(urlParams))
      .handle("byUser", ({ path, urlParams }) => op.ActivityList({ ...urlParams, userId: path.userId }))
      .handle("byResource", ({ path, urlParams }) => op.ActivityList({ ...urlParams, ...path }))
      .handle("stats", ({ urlParams }) => op.ActivityStats(urlParams))
      .handle("actions", () => op.ActivityActions())
  )).pipe(Layer.provide(AdminActivity.layer))
