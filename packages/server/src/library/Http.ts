/** REST handlers of the libraries group: each maps its request onto one operation (Operations.ts). */
import { HttpApiBuilder } from "@effect/platform"
import { MediaApi } from "@mediaserver/domain"
import { Effect } from "effect"
import { makeLibraryOperations } from "./Operations.js"

export const LibrariesHttpLive = HttpApiBuilder.group(MediaApi, "libraries", (handlers) =>
  Effect.map(makeLibraryOperations, (op) =>
    handlers
      .handle("list", () => op.LibrariesList())
      .handle("create", ({ payload }) => op.LibrariesCreate(payload))
      .handle("get", ({ path }) => op.LibrariesGet(path))
      .handle("update", ({ path, payload }) => op.LibrariesUpdate({ ...path, update: payload }))
      .handle("delete", ({ path }) => op.LibrariesDelete(path))
      .handle("scan", ({ path }) => op.LibrariesScan(path))
      .handle("cancelScan", ({ path }) => Effect.asVoid(op.LibrariesCancelScan(path)))
      .handle("scans", ({ path, urlParams }) => op.LibrariesScans({ ...path, ...urlParams }))
      .handle("permissions", ({ path }) => op.LibrariesPermissions(path))
      .handle("grant", ({ path, payload }) => op.LibrariesGrant({ ...path, grant: payload }))
      .handle("revoke", ({ path }) => op.LibrariesRevoke(path))
  ))
