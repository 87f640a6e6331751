/**
 * Walks library roots with synchronous calls in slices of a few milliseconds (see `walk`). Skips what the naming conventions skip (hidden,
 * system, extras and sample folders, non-video files) and the library's exclusion globs. A disc folder
 * (VIDEO_TS, BDMV) is found as one file, its own path. A root that
 * cannot be read is reported, never taken for empty: its files must not be marked missing.
 */
import { discKindOfName, discTitle, hasExcludeMarker, isCandidateFile, isSkippedDirectory } from "@mediaserver/server/library"
import type { Dirent } from "node:fs"
import * as Fs from "node:fs"
import * as Path from "node:path"

export interface FoundFile {
  readonly root: string
  readonly path: string
  readonly size: number
  readonly mtimeMs: number
}

export interface WalkOptions {
  readonly extensions: ReadonlySet<string>
  /** Globs relative to the root. */
  readonly exclude: ReadonlyArray<string>
  readonly signal: AbortSignal
  readonly onFile: (file: FoundFile) => void
}

export interface WalkResult {
  readonly files: ReadonlyArray<FoundFile>
  /** Every `.nfo` file seen, so the matcher reads only NFOs that exist. */
  readonly nfos: ReadonlySet<string>
  readonly unreadableRoots: ReadonlyArray<string>
  readonly errors: ReadonlyArray<{ readonly path: string; readonly message: string }>
}

/** `*` within a path segment, `**` across segments, `?` one character; matched against the whole relative path or any trailing part. */
export const globToRegExp = (glob: string): RegExp => {
  let source = ""
  for (let i = 0; i < glob.length; i++) {
    const c = glob.charAt(i)
    if (c === "*" && glob.charAt(i + 1) === "*") {
      source += ".*"
      i++
      if (glob.charAt(i + 1) === "/") i++
    } else if (c === "*") source += "[^/]*"
    else if (c === "?") source += "[^/]"
    else source += c.replace(/[.+^${}()|[\]\\]/g, "\\$&")
  }
  return new RegExp(`(^|/)${source}$`, "i")
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error))

/** Longest stretch of synchronous file-system calls before the walk lets the event loop run. */
const SLICE_MS = 8

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve))

export const walk = async (roots: ReadonlyArray<string>, options: WalkOptions): Promise<WalkResult> => {
  const excluded = options.exclude.map(globToRegExp)
  const isExcluded = (root: string, path: string) => {
    if (excluded.length === 0) return false
    const relative = Path.relative(root, path).split(Path.sep).join("/")
    return excluded.some((re) => re.test(relative))
  }
  const files: Array<FoundFile> = []
  const nfos = new Set<string>()
  const unreadableRoots: Array<string> = []
  const errors: Array<{ path: string; message: string }> = []
  const pending: Array<{ readonly root: string; readonly dir: string }> = roots.map((root) => ({ root, dir: root }))

  const found = (file: FoundFile) => {
    files.push(file)
    options.onFile(file)
  }

  const visit = (root: string, dir: string) => {
    let entries: Array<Dirent>
    try {
      entries = Fs.readdirSync(dir, { withFileTypes: true })
    } catch (error) {
      if (dir === root) unreadableRoots.push(root)
      errors.push({ path: dir, message: message(error) })
      return
    }
    // `.ignore` / `.nomedia`: the owner says this folder holds nothing for the library.
    if (hasExcludeMarker(entries.filter((entry) => !entry.isDirectory()).map((entry) => entry.name))) return
    for (const entry of entries) {
      const path = Path.join(dir, entry.name)
      if (entry.isDirectory()) {
        if (isExcluded(root, path)) continue
        if (discKindOfName(entry.name) !== null) {
          // A disc folder is one file: its main title, sized and dated by the files that make it up.
          const title = discTitle(path)
          if (title !== null) found({ root, path, size: title.size, mtimeMs: title.mtimeMs })
        } else if (!isSkippedDirectory(entry.name)) pending.push({ root, dir: path })
      } else if (entry.isFile() || entry.isSymbolicLink()) {
        if (entry.name.toLowerCase().endsWith(".nfo")) nfos.add(path)
        else if (isCandidateFile(entry.name, options.extensions) && !isExcluded(root, path)) {
          let stat: Fs.Stats | undefined
          try {
            stat = Fs.statSync(path, { throwIfNoEntry: false })
          } catch (error) {
            errors.push({ path, message: message(error) })
          }
          if (stat === undefined || !stat.isFile()) continue
          found({ root, path, size: stat.size, mtimeMs: Math.floor(stat.mtimeMs) })
        }
      }
    }
  }

  // Synchronous calls in short slices: several times faster than one await per call (no thread-pool
  // round trip), and the event loop still runs every few milliseconds.
  let sliceStart = performance.now()
  while (pending.length > 0 && !options.signal.aborted) {
    const next = pending.pop()
    if (next === undefined) break
    visit(next.root, next.dir)
    if (performance.now() - sliceStart > SLICE_MS) {
      await yieldToLoop()
      sliceStart = performance.now()
    }
  }
  return { files, nfos, unreadableRoots, errors }
}
