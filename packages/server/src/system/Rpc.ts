import { SystemRpcs } from "@mediaserver/domain"
import { Effect } from "effect"
import { SystemService } from "./SystemService.js"

export const SystemRpcLive = SystemRpcs.toLayer(
  Effect.gen(function* () {
    const system = yield* SystemService
    return {
      SystemInfo: () => system.info,
      SystemPing: ({ id }) => system.ping(id)
    }
  })
)
