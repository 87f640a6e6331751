/** A server on a fresh database with seeded content, an admin, and users with and without access. */
import { migratedDatabase } from "./MigratedDatabase.js"
import { Effect, Redacted } from "effect"
import { seedContent, type SeedOptions } from "@mediaserver/server/dev"
import { account, request } from "./Http.js"
import { databaseLayer } from "./DatabaseLayer.js"
import { startServer } from "./TestServer.js"

export const SMALL: SeedOptions = { movies: 60, series: 6, seasonsPerSeries: 2, episodesPerSeason: 5, people: 200 }

export const seed = (url: string, options: SeedOptions = SMALL) =>
  Effect.orDie(Effect.provide(seedContent(options), databaseLayer(url)))

export const seededServer = (env: Record<string, string> = {}) =>
  Effect.gen(function* () {
    const db = yield* migratedDatabase("browse")
    const server = yield* startServer({ DATABASE_URL: Redacted.value(db.url), ...env })
    const admin = yield* account(server.url, "admin")
    const seeded = yield* seed(Redacted.value(db.url))
    const viewer = yield* account(server.url, "viewer")
    const outsider = yield* account(server.url, "outsider")
    for (const libraryId of [seeded.movieLibrary, seeded.tvLibrary]) {
      const granted = yield* request(server.url, "POST", `/api/v1/libraries/${libraryId}/permissions`, {
        auth: admin.auth,
        body: { userId: viewer.user.id, canDownload: false, canManage: false }
      })
      if (granted.status !== 200) return yield* Effect.dieMessage(`grant failed: ${granted.status}`)
    }
    return { ...server, db, seeded, admin: admin.auth, viewer: viewer.auth, viewerId: viewer.user.id, outsider: outsider.auth }
  })

/** One field of a JSON answer (the details' copy of a sub-resource), undefined when absent. */
export const partOf = (body: unknown, part: string): unknown =>
  typeof body === "object" && body !== null ? Object.getOwnPropertyDescriptor(body, part)?.value : undefined
