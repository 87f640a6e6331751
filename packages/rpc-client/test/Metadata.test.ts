import { describe, expect, it } from "@effect/vitest"
import { Context, Effect, Exit, Layer } from "effect"
import { account } from "@mediaserver/testkit/Http"
import { fakeTmdb } from "@mediaserver/testkit/FakeTmdb"
import { startServerWithDatabase } from "@mediaserver/testkit/TestServer"
import { MediaClient } from "../src/index.js"

const client = (url: string, token: string) =>
  Layer.build(MediaClient.layer({ url: `${url}/rpc`, bearerToken: token })).pipe(Effect.map((context) => Context.get(context, MediaClient)))

describe("metadata over RPC (the SDK)", () => {
  it.scopedLive("providers, search and details with their credits, images and ids; a plain user is refused", () =>
    Effect.gen(function* () {
      const { env } = yield* fakeTmdb()
      const { url } = yield* startServerWithDatabase(env)
      const admin = yield* client(url, (yield* account(url, "admin")).accessToken)
      const providers = yield* admin.MetadataProviders()
      // TMDb is configured (the fake); the other providers are listed too, each with its own state.
      expect(providers.find((p) => p.name === "tmdb")?.healthy).toBe(true)
      expect(providers.map((p) => p.name)).toEqual(expect.arrayContaining(["tmdb", "omdb", "tvdb", "letterboxd"]))
      const found = yield* admin.MetadataSearchMovie({ query: "The Matrix", year: 1999 })
      expect(found.results[0]?.id).toBe("603")
      const movie = yield* admin.MetadataMovie({ id: "603" })
      expect(movie.title).toBe("The Matrix")
      expect(movie.externalIds.imdb).toBe("tt0133093")
      expect(movie.credits.some((c) => c.name === "Keanu Reeves")).toBe(true)
      expect(movie.images.some((i) => i.kind === "poster")).toBe(true)
      const episode = yield* admin.MetadataEpisode({ id: "1396", seasonNumber: 1, episodeNumber: 1 })
      expect(episode.title).toBe("Pilot")
      const person = yield* admin.MetadataPerson({ id: "6384" })
      expect(person.birthday).toBe("1964-09-02")
      const missing = yield* Effect.exit(admin.MetadataMovie({ id: "999" }))
      expect(Exit.isFailure(missing) && JSON.stringify(missing.cause).includes("NotFound")).toBe(true)
      const noImage = yield* Effect.exit(admin.ImagesGet({ type: "poster", size: "w92", path: "unknown.jpg" }))
      expect(Exit.isFailure(noImage) && JSON.stringify(noImage.cause).includes("NotFound")).toBe(true)

      const bob = yield* client(url, (yield* account(url, "bob")).accessToken)
      const refused = yield* Effect.exit(bob.MetadataSearchMovie({ query: "The Matrix" }))
      expect(Exit.isFailure(refused) && JSON.stringify(refused.cause).includes("Forbidden")).toBe(true)
    }), { timeout: 60_000 })
})
