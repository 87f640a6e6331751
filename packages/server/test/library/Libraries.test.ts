import { describe, expect, it } from "@effect/vitest"
import { Effect, Schema } from "effect"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { account, read, request } from "@mediaserver/testkit/Http"
import { startServerWithDatabase } from "@mediaserver/testkit/TestServer"

const Library = Schema.Struct({
  id: Schema.String,
  name: Schema.String,
  kind: Schema.String,
  paths: Schema.Array(Schema.String),
  scan: Schema.Struct({ intervalMinutes: Schema.Number, watch: Schema.Boolean, extensions: Schema.Array(Schema.String) })
})
const Libraries = Schema.Array(Library)
const ErrorBody = Schema.Struct({ code: Schema.String, details: Schema.optional(Schema.Struct({ field: Schema.String })) })

const tempDir = Effect.acquireRelease(
  Effect.sync(() => Fs.mkdtempSync(Path.join(Os.tmpdir(), "ms-lib-"))),
  (dir) => Effect.sync(() => Fs.rmSync(dir, { recursive: true, force: true }))
)

describe("libraries", () => {
  it.scopedLive("admin CRUD; paths must be readable directories (422 naming the field); names are unique (409)", () =>
    Effect.gen(function* () {
      const { url } = yield* startServerWithDatabase()
      const admin = (yield* account(url, "admin")).auth
      const movies = yield* tempDir
      const shows = yield* tempDir
      const file = Path.join(movies, "not-a-dir.txt")
      Fs.writeFileSync(file, "x")

      const created = yield* request(url, "POST", "/api/v1/libraries", { auth: admin, body: { name: "Movies", kind: "movie", paths: [movies] } })
      expect(created.status).toBe(201)
      const library = yield* read(Library)(created)
      expect(library).toMatchObject({ name: "Movies", kind: "movie", paths: [movies] })
      expect(library.scan.extensions).toContain(".mkv")

      const missing = yield* request(url, "POST", "/api/v1/libraries", {
        auth: admin, body: { name: "Shows", kind: "tvshow", paths: [shows, "/no/such/dir"] }
      })
      expect(missing.status).toBe(422)
      expect((yield* read(ErrorBody)(missing)).details?.field).toBe("paths[1]")
      const notDir = yield* request(url, "POST", "/api/v1/libraries", { auth: admin, body: { name: "Shows", kind: "tvshow", paths: [file] } })
      expect(notDir.status).toBe(422)
      const relative = yield* request(url, "POST", "/api/v1/libraries", { auth: admin, body: { name: "Shows", kind: "tvshow", paths: ["media"] } })
      expect(relative.status).toBe(400)
      const badKind = yield* request(url, "POST", "/api/v1/libraries", { auth: admin, body: { name: "Shows", kind: "music", paths: [shows] } })
      expect(badKind.status).toBe(400)
      const duplicate = yield* request(url, "POST", "/api/v1/libraries", { auth: admin, body: { name: "movies", kind: "movie", paths: [shows] } })
      expect(duplicate.status).toBe(409)
      expect((yield* read(ErrorBody)(duplicate)).details?.field).toBe("name")
      // Nothing was created by the refused requests.
      expect((yield* read(Libraries)(yield* request(url, "GET", "/api/v1/libraries", { auth: admin }))).map((l) => l.name)).toEqual(["Movies"])

      const updated = yield* request(url, "PUT", `/api/v1/libraries/${library.id}`, {
        auth: admin,
        body: { name: "Films", scan: { intervalMinutes: 0, watch: false, extensions: [".mkv"], exclude: ["**/Trash/**"] } }
      })
      expect(updated.status).toBe(200)
      expect(yield* read(Library)(updated)).toMatchObject({ name: "Films", paths: [movies], scan: { intervalMinutes: 0, extensions: [".mkv"] } })
      expect((yield* request(url, "GET", `/api/v1/libraries/${library.id}`, { auth: admin })).status).toBe(200)

      expect((yield* request(url, "DELETE", `/api/v1/libraries/${library.id}`, { auth: admin })).status).toBe(204)
      expect((yield* request(url, "GET", `/api/v1/libraries/${library.id}`, { auth: admin })).status).toBe(404)
      expect((yield* request(url, "DELETE", `/api/v1/libraries/${library.id}`, { auth: admin })).status).toBe(404)
    }))

  it.scopedLive("permissions: no grant hides the library (404); view reads; manage scans; revoke takes effect at once; admin-only management", () =>
    Effect.gen(function* () {
      const { url } = yield* startServerWithDatabase()
      const admin = (yield* account(url, "admin")).auth
      const alice = yield* account(url, "alice")
      const dir = yield* tempDir
      const library = yield* read(Library)(yield* request(url, "POST", "/api/v1/libraries", {
        auth: admin, body: { name: "Movies", kind: "movie", paths: [dir] }
      }))
      const base = `/api/v1/libraries/${library.id}`

      expect((yield* request(url, "GET", "/api/v1/libraries")).status).toBe(401)
      expect((yield* request(url, "POST", "/api/v1/libraries", { auth: alice.auth, body: { name: "Mine", kind: "movie", paths: [dir] } })).status).toBe(403)
      expect((yield* request(url, "GET", `${base}/permissions`, { auth: alice.auth })).status).toBe(403)
      expect((yield* request(url, "DELETE", base, { auth: alice.auth })).status).toBe(403)

      // No grant: the library does not exist for alice.
      expect(yield* read(Libraries)(yield* request(url, "GET", "/api/v1/libraries", { auth: alice.auth }))).toEqual([])
      expect((yield* request(url, "GET", base, { auth: alice.auth })).status).toBe(404)

      const granted = yield* request(url, "POST", `${base}/permissions`, { auth: admin, body: { userId: alice.user.id } })
      expect(granted.status).toBe(200)
      expect(granted.body).toMatchObject({ canView: true, canDownload: false, canManage: false })
      expect((yield* read(Libraries)(yield* request(url, "GET", "/api/v1/libraries", { auth: alice.auth }))).map((l) => l.id)).toEqual([library.id])
      expect((yield* request(url, "GET", base, { auth: alice.auth })).status).toBe(200)
      // View is not manage: 403 (she knows it exists).
      expect((yield* request(url, "POST", `${base}/scan`, { auth: alice.auth })).status).toBe(403)
      expect((yield* request(url, "PUT", base, { auth: alice.auth, body: { name: "Hers" } })).status).toBe(403)
      expect((yield* request(url, "GET", `${base}/scans`, { auth: alice.auth })).status).toBe(403)

      yield* request(url, "POST", `${base}/permissions`, { auth: admin, body: { userId: alice.user.id, canManage: true } })
      expect((yield* request(url, "GET", `${base}/scans`, { auth: alice.auth })).status).toBe(200)
      expect((yield* request(url, "PUT", base, { auth: alice.auth, body: { name: "Hers" } })).status).toBe(200)
      const list = yield* request(url, "GET", `${base}/permissions`, { auth: admin })
      expect(list.body).toMatchObject([{ userId: alice.user.id, canView: true, canManage: true }])

      expect((yield* request(url, "DELETE", `${base}/permissions/${alice.user.id}`, { auth: admin })).status).toBe(204)
      expect((yield* request(url, "GET", base, { auth: alice.auth })).status).toBe(404)
      expect((yield* request(url, "DELETE", `${base}/permissions/${alice.user.id}`, { auth: admin })).status).toBe(404)
      // A grant for an unknown user or library is a 404, not a 500.
      const unknownUser = yield* request(url, "POST", `${base}/permissions`, { auth: admin, body: { userId: "00000000-0000-4000-8000-000000000000" } })
      expect(unknownUser.status).toBe(404)
    }))
})
