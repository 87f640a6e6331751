/**
 * The files of a session's directory (segments, init files, extracted subtitles). Every call is a typed
 * failure (Unavailable: a full disk or lost permissions is the node's trouble, and passes), never a
 * defect; a directory or file that is already gone is not a failure.
 */
import { Unavailable } from "@mediaserver/domain"
import { Effect } from "effect"
import { randomUUID } from "node:crypto"
import * as Fs from "node:fs/promises"
import * as Path from "node:path"

const isMissing = (e: unknown) => e instanceof Error && "code" in e && e.code === "ENOENT"

const io = <A>(what: string, run: () => Promise<A>) =>
  Effect.tryPromise({
    try: run,
    catch: (e) => new Unavailable({ message: `${what}: ${e instanceof Error ? e.message : String(e)}` })
  })

/** Any failure to see it (gone, unreadable) is "not there yet": the caller waits or produces it. */
export const exists = (path: string) =>
  io("stat", () => Fs.access(path)).pipe(Effect.as(true), Effect.orElseSucceed(() => false))

export const readBytes = (path: string) =>
  io("segment vanished", () => Fs.readFile(path)).pipe(
    Effect.map((buffer): Uint8Array => new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength))
  )

export const readText = (path: string) => io(`cannot read ${path}`, () => Fs.readFile(path, "utf8"))

/** Written under a temporary name and renamed: a reader sees the whole file or none. */
export const writeText = (path: string, text: string) =>
  io(`cannot write ${path}`, async () => {
    await Fs.mkdir(Path.dirname(path), { recursive: true })
    const temporary = `${path}.${randomUUID()}.tmp`
    await Fs.writeFile(temporary, text)
    await Fs.rename(temporary, path)
  })

export const makeDir = (dir: string) => io(`cannot create ${dir}`, () => Fs.mkdir(dir, { recursive: true }))

/** Names in `dir`; none if it does not exist (yet, or any more: the session stopped). */
export const listDir = (dir: string) =>
  io(`cannot list ${dir}`, () =>
    Fs.readdir(dir).catch((e: unknown): Promise<Array<string>> => (isMissing(e) ? Promise.resolve([]) : Promise.reject(e))))

export const removeFiles = (dir: string, names: ReadonlyArray<string>) =>
  io(`cannot remove files in ${dir}`, () => Promise.all(names.map((name) => Fs.rm(Path.join(dir, name), { force: true })))).pipe(
    Effect.asVoid
  )

/** Best effort, for finalizers and stops: what is left is logged (and removed at the next start). */
export const removeDir = (dir: string) =>
  io(`cannot remove ${dir}`, () => Fs.rm(dir, { recursive: true, force: true })).pipe(
    Effect.catchAll((e) => Effect.logWarning(e.message))
  )
