/**
 * Every library operation once (named as in LibraryRpcs): creating, deleting and access grants are
 * admin only; viewing needs view access to the library, scanning and editing manage access.
 */
import { CurrentUser, LibraryRpcs, Unavailable } from "@mediaserver/domain"
import { Effect, Stream } from "effect"
import { canRead, requireAdmin, withPolicy } from "../access/Policy.js"
import { Libraries } from "./Libraries.js"
import { LibraryAccess } from "./LibraryAccess.js"
import { LibraryScans } from "./LibraryScans.js"
import { libraryPolicies } from "./Policy.js"

export const makeLibraryOperations = Effect.gen(function* () {
  const libraries = yield* Libraries
  const access = yield* LibraryAccess
  const scans = yield* LibraryScans
  const admin = withPolicy(requireAdmin)
  const { viewing, managing } = libraryPolicies(access)
  return LibraryRpcs.of({
    LibrariesList: () => withPolicy(canRead)(Effect.flatMap(CurrentUser, libraries.list)),
    LibrariesGet: ({ libraryId }) => viewing(libraryId)(libraries.get(libraryId)),
    LibrariesCreate: (request) => admin(libraries.create(request)),
    LibrariesUpdate: ({ libraryId, update }) => managing(libraryId)(libraries.update(libraryId, update)),
    LibrariesDelete: ({ libraryId }) => admin(libraries.delete(libraryId)),
    LibrariesScan: ({ libraryId }) => managing(libraryId)(scans.start(libraryId, "manual")),
    LibrariesCancelScan: ({ libraryId }) => managing(libraryId)(scans.cancel(libraryId)),
    LibrariesScans: ({ libraryId, ...page }) => managing(libraryId)(scans.page(libraryId, page)),
    LibrariesWatchScan: ({ libraryId }) =>
      Stream.unwrap(managing(libraryId)(Effect.succeed(
        Stream.catchTag(scans.watch(libraryId), "DatabaseError", (e) => Stream.fail(new Unavailable({ message: e.message })))
      ))),
    LibrariesPermissions: ({ libraryId }) => admin(access.list(libraryId)),
    LibrariesGrant: ({ libraryId, grant }) => admin(access.grant(libraryId, grant)),
    LibrariesRevoke: ({ libraryId, userId }) => admin(access.revoke(libraryId, userId))
  })
})
