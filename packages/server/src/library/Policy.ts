/** The two library policies every content slice uses: read a library's content, and change it. */
import type { LibraryId } from "@mediaserver/domain"
import { Effect } from "effect"
import { canRead, canWrite, withPolicy } from "../access/Policy.js"
import type { LibraryAccess } from "./LibraryAccess.js"

export const libraryPolicies = (access: LibraryAccess["Type"]) => ({
  viewing: (libraryId: LibraryId) => withPolicy(Effect.zipRight(canRead, access.require(libraryId, "view"))),
  managing: (libraryId: LibraryId) => withPolicy(Effect.zipRight(canWrite, access.require(libraryId, "manage")))
})
