/**
 * Walks library roots: a few directories listed at once, the files of each stat-ed in parallel, so the
 * walk is bound by the disk, not by one await at a time. Skips what the naming conventions skip (hidden,
 * system, extras and sample folders, non-video files) and the library's exclusion globs. A root that
 * cannot be read is reported, never taken for empty: its files must not be marked missing.
 */
import { isCandidateFile, isSkippedDirectory } from "@mediaserver/server/library/NameParser"
import type { Dirent } from "node:fs"
import * as Fs from "node:fs/promises"
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
  readonly concurrency: number
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
  let active = 0

  const visit = async (root: string, dir: string) => {
    let entries: Array<Dirent>
    try {
      entries = await Fs.readdir(dir, { withFileTypes: true })
    } catch (error) {
      if (dir === root) unreadableRoots.push(root)
      errors.push({ path: dir, message: message(error) })
      return
    }
    const candidates: Array<string> = []
    for (const entry of entries) {
      const path = Path.join(dir, entry.name)
      if (entry.isDirectory()) {
        if (!isSkippedDirectory(entry.name) && !isExcluded(root, path)) pending.push({ root, dir: path })
      } else if (entry.isFile() || entry.isSymbolicLink()) {
        if (entry.name.toLowerCase().endsWith(".nfo")) nfos.add(path)
        else if (isCandidateFile(entry.name, options.extensions) && !isExcluded(root, path)) candidates.push(path)
      }
    }
    await Promise.all(
      candidates.map(async (path) => {
        try {
          const stat = await Fs.stat(path)
          if (!stat.isFile()) return
          const file = { root, path, size: stat.size, mtimeMs: Math.floor(stat.mtimeMs) }
          files.push(file)
          options.onFile(file)
        } catch (error) {
          errors.push({ path, message: message(error) })
        }
      })
    )
  }

  await new Promise<void>((resolve) => {
    const pump = () => {
      if (options.signal.aborted) {
        if (active === 0) resolve()
        return
      }
      while (active < options.concurrency && pending.length > 0) {
        const next = pending.pop()
        if (next === undefined) break
        active++
        void visit(next.root, next.dir).finally(() => {
          active--
          pump()
        })
      }
      if (active === 0 && pending.length === 0) resolve()
    }
    pump()
  })
  return { files, nfos, unreadableRoots, errors }
}
