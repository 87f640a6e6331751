import { NodePing, PingResult, SystemInfo, Unavailable } from "@mediaserver/domain"
import { Context, DateTime, Duration, Effect, Layer } from "effect"
import { entityCall } from "../cluster/EntityCall.js"
import { NodeIdentity } from "../cluster/NodeIdentity.js"
import { AppConfig, isEmbedded } from "../config/AppConfig.js"
import { VERSION } from "./Version.js"
import { MediaTools } from "./MediaTools.js"

const PING_TIMEOUT = Duration.seconds(15)

export class SystemService extends Context.Tag("@mediaserver/system/SystemService")<
  SystemService,
  {
    readonly info: Effect.Effect<SystemInfo>
    readonly ping: (id: string) => Effect.Effect<PingResult, Unavailable>
  }
>() {
  static readonly layer = Layer.effect(
    SystemService,
    Effect.gen(function* () {
      const config = yield* AppConfig
      const node = yield* NodeIdentity
      const pingClient = yield* NodePing.client
      const tools = yield* MediaTools
      const startedAt = DateTime.unsafeFromDate(node.startedAt)
      // Only the uptime changes, once a second: build (and validate) the answer once per second.
      let last: SystemInfo | undefined
      const info = Effect.sync(() => {
        const uptimeSeconds = Math.floor((Date.now() - node.startedAt.getTime()) / 1000)
        if (last === undefined || last.uptimeSeconds !== uptimeSeconds) {
          last = new SystemInfo({
            name: "mediaserver",
            version: VERSION,
            role: config.role,
            embedded: isEmbedded(config),
            uptimeSeconds,
            startedAt,
            nodeId: node.id,
            mediaTools: tools.status
          })
        }
        return last
      })
      return {
        info,
        ping: (id) => pingClient(id).Ping().pipe(entityCall(`entity NodePing/${id}`, PING_TIMEOUT))
      }
    })
  )
}
