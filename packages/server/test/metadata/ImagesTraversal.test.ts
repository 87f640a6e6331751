/**
 * Image paths are user input, and image bytes are files under DATA_DIR/storage: the same variety of
 * hostile paths the playback streams get (encoded and double-encoded dots and slashes, backslashes,
 * NUL, absolute paths), and symbolic links inside the store that point out of it.
 */
import { HttpServer } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { Context, Effect, Layer, Redacted } from "effect"
import * as Fs from "node:fs/promises"
import * as Os from "node:os"
import * as Path from "node:path"
import { ImagesRepo } from "../../src/metadata/ImagesRepo.js"
import { Storage } from "../../src/storage/Storage.js"
import { account, request } from "@mediaserver/testkit/Http"
import { freshDatabase } from "@mediaserver/testkit/TestDatabase"
import { testNode } from "@mediaserver/testkit/TestServer"

const SECRET = "root:x:0:0:secret outside the store"

const tempDir = Effect.acquireRelease(
  Effect.promise(() => Fs.mkdtemp(Path.join(Os.tmpdir(), "ms-img-trav-"))),
  (dir) => Effect.promise(() => Fs.rm(dir, { recursive: true, force: true }))
)

/** A node on a fresh database with its DATA_DIR, and a file outside the store holding SECRET. */
const node = Effect.gen(function* () {
  const db = yield* freshDatabase("imgtrav")
  const dataDir = yield* tempDir
  const outside = yield* tempDir
  yield* Effect.promise(() => Fs.writeFile(Path.join(outside, "passwd"), SECRET))
  const context = yield* Layer.build(testNode({ DATABASE_URL: Redacted.value(db.url), DATA_DIR: dataDir }, Layer.empty))
  const server = Context.get(context, HttpServer.HttpServer)
  const url = `http://127.0.0.1:${server.address._tag === "TcpAddress" ? server.address.port : 0}`
  return { context, url, store: Path.join(dataDir, "storage"), outside }
})

const HOSTILE_NAMES = [
  "..%2F..%2Fetc%2Fpasswd",
  "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
  "%252e%252e%252fetc%252fpasswd",
  "..%252F..%252Fetc%252Fpasswd",
  "%2e%2e",
  "..",
  "..%5C..%5Cwindows%5Cwin.ini",
  "a.jpg%00.png",
  "a%00.jpg",
  "%2Fetc%2Fpasswd",
  "%2F%2Fetc%2Fpasswd.jpg",
  "C:%5Cwindows%5Cwin.jpg",
  "a.jpg%2F..%2F..%2Fx.jpg",
  "a.jpg%3F.png",
  ".jpg"
]

describe("image paths", () => {
  it.scopedLive("hostile names, types and sizes are refused (400 or 404) and never read a file", () =>
    Effect.gen(function* () {
      const { url } = yield* node
      const admin = (yield* account(url, "admin")).auth
      const attempts = [
        ...HOSTILE_NAMES.map((name) => `/api/v1/images/poster/original/${name}`),
        "/api/v1/images/..%2F..%2Fetc/original/a.jpg",
        "/api/v1/images/poster/..%2F..%2Fetc/a.jpg",
        "/api/v1/images/poster%00/original/a.jpg"
      ]
      for (const path of attempts) {
        const res = yield* request(url, "GET", path, { auth: admin })
        expect([400, 404], path).toContain(res.status)
        expect(JSON.stringify(res.body), path).not.toContain("root:")
      }
      const named = yield* request(url, "GET", "/api/v1/images/poster/original/..%2F..%2Fetc%2Fpasswd", { auth: admin })
      expect(named.status).toBe(400)
      expect(JSON.stringify(named.body)).toContain("path")
    }), 60_000)

  it.scopedLive("storage keys that leave the root are refused for reads and writes", () =>
    Effect.gen(function* () {
      const { context, outside } = yield* node
      const storage = Context.get(context, Storage)
      const keys = ["../x", "images/../../x", "images/../..", "/etc/passwd", "images\\..\\..\\x", "images/%2e%2e/x", "images/x\0y",
        Path.join(outside, "passwd"), "", "images//x", "./images/x"]
      for (const key of keys) {
        expect((yield* Effect.flip(storage.get(key)))._tag, JSON.stringify(key)).toBe("StorageError")
        expect((yield* Effect.flip(storage.put(key, new Uint8Array([1]))))._tag, JSON.stringify(key)).toBe("StorageError")
      }
      expect(yield* Effect.promise(() => Fs.readdir(outside))).toEqual(["passwd"])
    }), 60_000)

  it.scopedLive("a symbolic link in the store that points out of it is neither read nor written through", () =>
    Effect.gen(function* () {
      const { context, url, store, outside } = yield* node
      const admin = (yield* account(url, "admin")).auth
      // A recorded image whose stored original is a link to a file outside the store.
      const hash = "cd".repeat(32)
      yield* Effect.gen(function* () {
        const repo = yield* ImagesRepo
        yield* repo.record("tmdb", [{ path: "/linked.jpg", kind: "poster" }])
        yield* repo.stored("/linked.jpg", { hash, contentType: "image/jpeg", width: 1, height: 1, size: SECRET.length })
      }).pipe(Effect.provide(context))
      const original = Path.join(store, "images", "original", "cd", hash)
      yield* Effect.promise(async () => {
        await Fs.mkdir(Path.dirname(original), { recursive: true })
        await Fs.symlink(Path.join(outside, "passwd"), original)
      })
      const served = yield* request(url, "GET", "/api/v1/images/poster/original/linked.jpg", { auth: admin })
      expect(served.status).not.toBe(200)
      expect(JSON.stringify(served.body)).not.toContain("root:")

      const storage = Context.get(context, Storage)
      expect((yield* Effect.flip(storage.get(`images/original/cd/${hash}`)))._tag).toBe("StorageError")
      // A directory in the store that is a link out: nothing is written through it.
      yield* Effect.promise(() => Fs.symlink(outside, Path.join(store, "images", "derived")))
      expect((yield* Effect.flip(storage.put(`images/derived/cd/${hash}/w92.jpeg`, new Uint8Array([1]))))._tag).toBe("StorageError")
      expect((yield* Effect.flip(storage.get("images/derived/passwd")))._tag).toBe("StorageError")
      expect(yield* Effect.promise(() => Fs.readdir(outside))).toEqual(["passwd"])
    }), 60_000)
})
