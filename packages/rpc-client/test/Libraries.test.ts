import { describe, expect, it } from "@effect/vitest"
import { CreateLibraryRequest, LibraryId } from "@mediaserver/domain"
import { Chunk, Context, Effect, Exit, Layer, Stream } from "effect"
import { account } from "@mediaserver/testkit/Http"
import { libraryNode, tree } from "@mediaserver/testkit/LibraryNode"
import { MediaClient } from "../src/index.js"

const client = (url: string, token: string) =>
  Layer.build(MediaClient.layer({ url: `${url}/rpc`, bearerToken: token })).pipe(Effect.map((context) => Context.get(context, MediaClient)))

describe("libraries over RPC (the SDK)", () => {
  it.scopedLive("create, scan and follow the scan's progress as a stream; a user without a grant sees NotFound", () =>
    Effect.gen(function* () {
      const node = yield* libraryNode("rpc_libraries")
      const { url } = node
      const admin = yield* client(url, "token" in node.admin ? node.admin.token : "")
      const files: Record<string, string> = {}
      for (let i = 0; i < 200; i++) files[`Film ${i} (2001)/Film ${i} (2001).mkv`] = ""
      const root = yield* tree(files)

      const library = yield* admin.LibrariesCreate(new CreateLibraryRequest({ name: "Films", kind: "movie", paths: [root] }))
      const scan = yield* admin.LibrariesScan({ libraryId: library.id })
      const updates = yield* Stream.runCollect(admin.LibrariesWatchScan({ libraryId: library.id }))
      const last = Chunk.last(updates)
      expect(last._tag).toBe("Some")
      if (last._tag === "Some") {
        expect(last.value.id).toBe(scan.id)
        expect(last.value.status).toBe("completed")
        expect(last.value.counts.seen).toBe(200)
      }
      const page = yield* admin.LibrariesScans({ libraryId: library.id })
      expect(page.total).toBe(1)

      const userTokens = yield* account(url, "bob")
      const bob = yield* client(url, userTokens.accessToken)
      const refused = yield* Effect.exit(bob.LibrariesGet({ libraryId: library.id }))
      expect(Exit.isFailure(refused) && JSON.stringify(refused.cause).includes("NotFound")).toBe(true)
      const unknown = yield* Effect.exit(admin.LibrariesGet({ libraryId: LibraryId.make("00000000-0000-4000-8000-000000000009") }))
      expect(Exit.isFailure(unknown) && JSON.stringify(unknown.cause).includes("NotFound")).toBe(true)
    }), { timeout: 60_000 })
})
