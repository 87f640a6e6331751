/** REST handlers of the system group: each maps its request onto one operation (Operations.ts). */
import { HttpApiBuilder } from "@effect/platform"
import { MediaApi, SystemInfo } from "@mediaserver/domain"
import { Effect } from "effect"
import { encodedOnce } from "../http/EncodedOnce.js"
import { makeSystemOperations } from "./Operations.js"

export const SystemHttpLive = HttpApiBuilder.group(MediaApi, "system", (handlers) =>
  Effect.map(makeSystemOperations, (op) => {
    // The answer changes once a second (its uptime): encoded then, not for every request.
    const infoAnswer = encodedOnce(SystemInfo)
    return handlers
      .handle("info", () => Effect.map(op.SystemInfo(), infoAnswer))
      // The REST ping may carry a note for the logs (RPC has its own headers for that).
      .handle("ping", ({ path, payload }) => Effect.annotateLogs(op.SystemPing(path), { note: payload.note ?? "" }))
  }))
