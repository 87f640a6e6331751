/**
 * Who may use metadata: provider lookups need the admin role or manage access to some library (they
 * spend the provider quota); an item's refresh, edit and match need manage access to its library.
 */
import { CurrentUser, Forbidden } from "@mediaserver/domain"
import { Effect } from "effect"
import { canWrite, withPolicy } from "../access/Policy.js"
import type { LibraryAccess } from "../library/LibraryAccess.js"
import type { ItemKind } from "./ItemsRepo.js"
import type { MetadataItems } from "./MetadataItems.js"

export const metadataPolicies = (access: LibraryAccess["Type"], items: MetadataItems["Type"]) => ({
    /** Admins, and users who manage at least one library. */
    lookup: withPolicy(Effect.zipRight(
      canWrite,
      Effect.flatMap(CurrentUser, (user) =>
        Effect.flatMap(access.accessible(user, "manage"), (libraries) =>
          libraries === "all" || libraries.length > 0
            ? Effect.void
            : Effect.fail(new Forbidden({ message: "Metadata lookups need the admin role or manage access to a library" }))))
    )),
    /** Managers of the item's library (the scope first: a read-only key learns nothing about the item). */
    managingItem: (kind: ItemKind, id: string) =>
      withPolicy(Effect.zipRight(canWrite, Effect.flatMap(items.libraryOf(kind, id), (libraryId) => access.require(libraryId, "manage"))))
})
