import { Context, Effect, Layer, Option } from "effect"
import * as Os from "node:os"
import { AppConfig } from "../config/AppConfig.js"

/** Who this process is, in logs, /system/info and entity replies. */
export class NodeIdentity extends Context.Tag("@mediaserver/cluster/NodeIdentity")<
  NodeIdentity,
  { readonly id: string; readonly startedAt: Date }
>() {
  static readonly layer = Layer.effect(
    NodeIdentity,
    Effect.map(AppConfig, (config) => ({
      id: Option.match(config.runnerHost, {
        onNone: () => `${Os.hostname()}/${process.pid}`,
        onSome: (host) => `${host}:${config.runnerPort}`
      }),
      startedAt: new Date()
    }))
  )
}
