/** The system operations once (named as in SystemRpcs): open to every caller, like a health probe. */
import { SystemRpcs } from "@mediaserver/domain"
import { Effect } from "effect"
import { SystemService } from "./SystemService.js"

export const makeSystemOperations = Effect.map(SystemService, (system) =>
  SystemRpcs.of({
    SystemInfo: () => system.info,
    SystemPing: ({ id }) => system.ping(id)
  }))
