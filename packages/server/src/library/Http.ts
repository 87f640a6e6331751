/** REST handlers of the libraries group: one policy line plus a service call each. */
import { HttpApiBuilder } from "@effect/platform"
import { CurrentUser, MediaApi } from "@mediaserver/domain"
import { Effect } from "effect"
import { canRead, requireAdmin, withPolicy } from "../auth/Policy.js"
import { libraryPolicies } from "./Policy.js"
import { Libraries } from "./Libraries.js"
import { LibraryAccess } from "./LibraryAccess.js"
import { LibraryScans } from "./LibraryScans.js"

export const LibrariesHttpLive = HttpApiBuilder.group(MediaApi, "libraries", (handlers) =>
  Effect.gen(function* () {
    const libraries = yield* Libraries
    const access = yield* LibraryAccess
    const scans = yield* LibraryScans
    const admin = withPolicy(requireAdmin)
    const { viewing, managing } = libraryPolicies(access)
    return handlers
      .handle("list", () => withPolicy(canRead)(Effect.flatMap(CurrentUser, libraries.list)))
      .handle("create", ({ payload }) => admin(libraries.create(payload)))
      .handle("get", ({ path }) => viewing(path.libraryId)(libraries.get(path.libraryId)))
      .handle("update", ({ path, payload }) => managing(path.libraryId)(libraries.update(path.libraryId, payload)))
      .handle("delete", ({ path }) => admin(libraries.delete(path.libraryId)))
      .handle("scan", ({ path }) => managing(path.libraryId)(scans.start(path.libraryId, "manual")))
      .handle("cancelScan", ({ path }) => managing(path.libraryId)(scans.cancel(path.libraryId)))
      .handle("scans", ({ path, urlParams }) => managing(path.libraryId)(scans.page(path.libraryId, urlParams)))
      .handle("permissions", ({ path }) => admin(access.list(path.libraryId)))
      .handle("grant", ({ path, payload }) => admin(access.grant(path.libraryId, payload)))
      .handle("revoke", ({ path }) => admin(access.revoke(path.libraryId, path.userId)))
  })
)
