/**
 * Files the server keeps (avatars now, images later) under DATA_DIR/storage, by key. Keys are made by
 * the server (`avatars/<user id>`), and checked anyway: no `..`, no absolute paths, so nothing can be
 * read or written outside the root; nor through a symbolic link inside it that points out (the real
 * path is checked before a read and before a write). Writes go to a temporary file first and are
 * renamed into place, so a reader never sees half a file.
 */
import { StorageError } from "@mediaserver/domain"
import { Context, Effect, Layer, Option } from "effect"
import { randomUUID } from "node:crypto"
import { mkdir, readFile, realpath, rename, rm, writeFile } from "node:fs/promises"
import { dirname, join, resolve, sep } from "node:path"
import { AppConfig } from "../config/AppConfig.js"

const KEY = /^[a-z0-9][a-z0-9_-]*(\/[a-z0-9][a-z0-9._-]*)*$/i

const isMissing = (e: unknown) => e instanceof Error && "code" in e && e.code === "ENOENT"

export class Storage extends Context.Tag("@mediaserver/storage/Storage")<
  Storage,
  {
    readonly put: (key: string, bytes: Uint8Array) => Effect.Effect<void, StorageError>
    readonly get: (key: string) => Effect.Effect<Option.Option<Uint8Array>, StorageError>
    readonly remove: (key: string) => Effect.Effect<void, StorageError>
  }
>() {
  static readonly layer = Layer.effect(
    Storage,
    Effect.map(AppConfig, (config) => {
      const root = resolve(config.dataDir, "storage")
      const pathOf = (operation: string, key: string) => {
        const path = resolve(root, key)
        return KEY.test(key) && !key.split("/").includes("..") && path.startsWith(root + sep)
          ? Effect.succeed(path)
          : Effect.fail(new StorageError({ operation, message: `Invalid storage key ${JSON.stringify(key)}` }))
      }
      // The root's real path: DATA_DIR itself may be a link (a mounted disk), that is the owner's choice.
      const inside = async (path: string) => {
        // The root first: on a fresh DATA_DIR it does not exist yet, and `path` may be the root itself.
        const realRoot = await mkdir(root, { recursive: true }).then(() => realpath(root))
        const real = await realpath(path)
        if (real !== realRoot && !real.startsWith(realRoot + sep)) throw new Error(`${path} leads outside the storage root`)
      }
      // Before creating directories: the part of the path that exists already must not lead out.
      const existingInside = async (path: string): Promise<void> =>
        inside(path).catch((e: unknown) => (isMissing(e) && path !== root ? existingInside(dirname(path)) : Promise.reject(e)))
      const io = <A>(operation: string, run: () => Promise<A>) =>
        Effect.tryPromise({
          try: run,
          catch: (e) => new StorageError({ operation, message: e instanceof Error ? e.message : String(e) })
        })
      return {
        put: (key, bytes) =>
          Effect.flatMap(pathOf("storage.put", key), (path) =>
            io("storage.put", async () => {
              await existingInside(dirname(path))
              await mkdir(dirname(path), { recursive: true })
              await inside(dirname(path))
              const temporary = join(dirname(path), `.${randomUUID()}.tmp`)
              await writeFile(temporary, bytes)
              await rename(temporary, path)
            })),
        get: (key) =>
          Effect.flatMap(pathOf("storage.get", key), (path) =>
            io("storage.get", () =>
              inside(path).then(() => readFile(path)).then(
                (buffer) => Option.some(new Uint8Array(buffer)),
                (e: unknown) => (isMissing(e) ? Option.none() : Promise.reject(e))
              ))),
        remove: (key) => Effect.flatMap(pathOf("storage.remove", key), (path) => io("storage.remove", () => rm(path, { force: true })))
      }
    })
  )
}
