/**
 * Who may see an event on a live stream: library events need view access to the library; playback and
 * account events belong to their user; everything else (new users, integrations, discarded jobs,
 * refresh failures) is for admins. Admins see everything.
 */
import type { DomainEvent, Principal } from "@mediaserver/domain"
import { Effect } from "effect"
import { isAdmin } from "../access/Policy.js"
import type { LibraryAccess } from "../library/LibraryAccess.js"

export const eventVisibleTo = (access: LibraryAccess["Type"]) =>
(user: Principal, event: DomainEvent): Effect.Effect<boolean> => {
  if (isAdmin(user)) return Effect.succeed(true)
  switch (event._tag) {
    case "movie.added":
    case "series.added":
    case "episode.added":
    case "library.scan_started":
    case "library.scan_done":
    case "library.scan_failed":
      // A failed lookup hides the event rather than leak it.
      return access.can(user, event.libraryId, "view").pipe(Effect.orElseSucceed(() => false))
    case "playback.started":
    case "playback.stopped":
    case "auth.login":
    case "auth.login_failed":
    case "auth.password_changed":
    case "auth.mfa_enabled":
      return Effect.succeed(event.userId === user.userId)
    case "metadata.refresh_failed":
    case "user.created":
    case "integration.health":
    case "integration.grab":
    case "job.discarded":
      return Effect.succeed(false)
  }
}
