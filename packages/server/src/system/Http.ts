import { HttpApiBuilder } from "@effect/platform"
import { MediaApi } from "@mediaserver/domain"
import { Effect } from "effect"
import { SystemService } from "./SystemService.js"

export const SystemHttpLive = HttpApiBuilder.group(MediaApi, "system", (handlers) =>
  Effect.gen(function* () {
    const system = yield* SystemService
    return handlers.handle("info", () => system.info).handle("ping", ({ path, payload }) =>
      Effect.annotateLogs(system.ping(path.id), { note: payload.note ?? "" })
    )
  })
)
