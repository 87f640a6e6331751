/**
 * Live updates through the typed RPC SDK (packages/rpc-client): streams such as a scan's progress
 * arrive as NDJSON over one HTTP response instead of polling. Loaded only by the admin screens.
 * The session cookie authenticates it; RPC is POST, so the CSRF header goes with it.
 */
import { CSRF_HEADER, type LibraryId, type LibraryScan } from "@mediaserver/domain"
import { MediaClient } from "@mediaserver/rpc-client"
import { Effect, Stream } from "effect"
import { csrfToken } from "./api.js"

/** Follows a library's scan until it ends; returns a function that stops following. */
export const watchScan = (libraryId: LibraryId, onScan: (scan: LibraryScan) => void, onEnd: (error: string | null) => void): (() => void) => {
  const program = Effect.flatMap(MediaClient, (client) =>
    Stream.runForEach(client.LibrariesWatchScan({ libraryId }), (scan) => Effect.sync(() => onScan(scan)))).pipe(
    Effect.provide(MediaClient.layer({ url: `${location.origin}/rpc`, headers: { [CSRF_HEADER]: csrfToken() ?? "" } })),
    Effect.match({
      onFailure: (error) => onEnd("message" in error && typeof error.message === "string" ? error.message : "The progress stream stopped"),
      onSuccess: () => onEnd(null)
    })
  )
  const controller = new AbortController()
  void Effect.runPromise(program, { signal: controller.signal }).catch(() => {})
  return () => controller.abort()
}
