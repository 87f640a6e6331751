/** REST handlers of the system group: each maps its request onto one operation (Operations.ts). */
import { HttpApiBuilder } from "@effect/platform"
import { MediaApi } from "@mediaserver/domain"
import { Effect } from "effect"
import { makeSystemOperations } from "./Operations.js"

export const SystemHttpLive = HttpApiBuilder.group(MediaApi, "system", (handlers) =>
  Effect.map(makeSystemOperations, (op) =>
    handlers
      .handle("info", () => op.SystemInfo())
      // The REST ping may carry a note for the logs (RPC has its own headers for that).
      .handle("ping", ({ path, payload }) => Effect.annotateLogs(op.SystemPing(path), { note: payload.note ?? "" }))
  ))
