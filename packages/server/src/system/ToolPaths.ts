/**
 * Where this node's ffmpeg and ffprobe are: FFMPEG_PATH / FFPROBE_PATH when set (a wrong one is reported,
 * never silently replaced), else the first executable of that name on PATH, else the binary shipped
 * inside the @ffmpeg-installer / @ffprobe-installer package of this platform (its registry tarball
 * holds it: no download at install), unless MEDIA_TOOLS_PACKAGED=false; else the bare name, which
 * then fails to start and is reported missing.
 */
import type { MediaToolStatus } from "@mediaserver/domain"
import { Option } from "effect"
import * as Fs from "node:fs"
import { createRequire } from "node:module"
import * as Path from "node:path"
import type { AppConfigShape } from "../config/AppConfig.js"

export type MediaTool = "ffmpeg" | "ffprobe"

export interface ToolLocation {
  readonly path: string
  readonly source: MediaToolStatus["source"]
}

const executableName = (tool: MediaTool) => (process.platform === "win32" ? `${tool}.exe` : tool)

const isExecutable = (path: string): boolean => {
  try {
    Fs.accessSync(path, Fs.constants.X_OK)
    return Fs.statSync(path).isFile()
  } catch {
    return false
  }
}

const onPath = (searchPath: string, tool: MediaTool): string | undefined =>
  searchPath.split(Path.delimiter).filter((dir) => dir !== "")
    .map((dir) => Path.join(dir, executableName(tool)))
    .find(isExecutable)

/** The packaged binary of this platform, if its package is installed (only the matching one is). */
export const packagedTool = (tool: MediaTool): string | undefined => {
  const scope = `@${tool}-installer`
  try {
    // The platform package is an optional dependency of the main one: resolve it from there.
    const main = createRequire(import.meta.url).resolve(`${scope}/${tool}/package.json`)
    const platform = createRequire(main).resolve(`${scope}/${process.platform}-${process.arch}/package.json`)
    const binary = Path.join(Path.dirname(platform), executableName(tool))
    return isExecutable(binary) ? binary : undefined
  } catch {
    return undefined
  }
}

export const locateTool = (config: AppConfigShape, tool: MediaTool): ToolLocation => {
  const configured = tool === "ffmpeg" ? config.ffmpegPath : config.ffprobePath
  if (Option.isSome(configured)) return { path: configured.value, source: "env" }
  const found = onPath(config.searchPath, tool)
  if (found !== undefined) return { path: found, source: "path" }
  const packaged = config.mediaToolsPackaged ? packagedTool(tool) : undefined
  return packaged === undefined ? { path: tool, source: "none" } : { path: packaged, source: "packaged" }
}

/** The binary to run for `tool` (see `locateTool`). */
export const toolPath = (config: AppConfigShape, tool: MediaTool): string => locateTool(config, tool).path
