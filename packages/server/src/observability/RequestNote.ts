/**
 * What the per-request log line learns while the request runs: the gateway opens a note for each
 * request, the authentication middleware writes who the caller is into it.
 */
import { Effect, FiberRef } from "effect"

export interface RequestNote {
  userId: string | undefined
}

export const currentRequestNote = FiberRef.unsafeMake<RequestNote | undefined>(undefined)

export const noteUser = (userId: string): Effect.Effect<void> =>
  Effect.flatMap(FiberRef.get(currentRequestNote), (note) =>
    Effect.sync(() => {
      if (note !== undefined) note.userId = userId
    }))
