/**
 * ffmpeg and ffprobe as this node finds them at start-up (FFMPEG_PATH / FFPROBE_PATH, else PATH, else
 * the packaged binary: ToolPaths): each run once with `-version`, the outcome logged in one line and shown in /readyz and the
 * system info, so a machine without them says so at once instead of failing every probe and playback.
 */
import { MediaToolStatus } from "@mediaserver/domain"
import { Context, Duration, Effect, Layer } from "effect"
import { AppConfig } from "../config/AppConfig.js"
import { runToCompletion } from "./Process.js"
import { locateTool, type ToolLocation } from "./ToolPaths.js"

const TOOLS = ["ffmpeg", "ffprobe"] as const
const CHECK_TIMEOUT = Duration.seconds(10)

/** `ffmpeg version 5.1.9-0+deb12u1 Copyright ...` -> `5.1.9-0+deb12u1`. */
export const versionOf = (output: string): string | null => /^\S+ version (\S+)/.exec(output)?.[1] ?? null

const check = (tool: (typeof TOOLS)[number], { path, source }: ToolLocation) =>
  runToCompletion({
    binary: path,
    args: ["-hide_banner", "-version"],
    maxOutput: 64 * 1024,
    cannotStart: (message) => message,
    failed: (stderr, status) => `${status}: ${stderr.trim()}`
  }).pipe(
    Effect.timeoutFail({ duration: CHECK_TIMEOUT, onTimeout: () => `no answer to -version in ${Duration.format(CHECK_TIMEOUT)}` }),
    Effect.map((out) => new MediaToolStatus({ tool, path, source, version: versionOf(out) ?? "unknown", error: null })),
    Effect.catchAll((error) => Effect.succeed(new MediaToolStatus({ tool, path, source, version: null, error })))
  )

const FROM: Readonly<Record<MediaToolStatus["source"], string>> = {
  env: "from its _PATH variable", path: "from PATH", packaged: "packaged", none: "not found"
}

const missingOne = (t: MediaToolStatus) =>
  t.source === "none"
    ? `${t.tool} (not on PATH, no packaged binary; set ${t.tool.toUpperCase()}_PATH or install it)`
    : `${t.tool} at ${t.path} (${t.error}; set ${t.tool.toUpperCase()}_PATH or install it)`

export const describeTools = (tools: ReadonlyArray<MediaToolStatus>): string => {
  const missing = tools.filter((t) => t.error !== null)
  const found = tools.filter((t) => t.error === null).map((t) => `${t.tool} ${t.version} (${t.path}, ${FROM[t.source]})`)
  return missing.length === 0
    ? `Media tools: ${found.join(", ")}`
    : `Media tools missing: ${missing.map(missingOne).join(", ")}` +
      `${found.length > 0 ? `; found ${found.join(", ")}` : ""}: probing and playback will answer 503`
}

export class MediaTools extends Context.Tag("@mediaserver/system/MediaTools")<
  MediaTools,
  { readonly status: ReadonlyArray<MediaToolStatus> }
>() {
  static readonly layer = Layer.effect(
    MediaTools,
    Effect.gen(function* () {
      const config = yield* AppConfig
      const status = yield* Effect.forEach(TOOLS, (tool) => check(tool, locateTool(config, tool)), { concurrency: 2 })
      const line = describeTools(status)
      yield* status.some((t) => t.error !== null) ? Effect.logWarning(line) : Effect.logInfo(line)
      return { status }
    })
  )
}
