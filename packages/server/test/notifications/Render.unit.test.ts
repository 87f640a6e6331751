/**
 * What a notification says: the default per event type, an agent's template over the payload (nested
 * fields too), a digest that lists the first few and counts the rest, and the webhook signature.
 */
import { describe, expect, it } from "vitest"
import { LibraryId, LibraryScanDone, MessageTemplate, MovieAdded, MovieId, ScanCounts, ScanId, UserCreated, UserId } from "@mediaserver/domain"
import { describeEvent, renderDigest, signWebhook } from "@mediaserver/server/notifications"
import { createHmac, randomUUID } from "node:crypto"

const movie = (title: string) =>
  new MovieAdded({ libraryId: LibraryId.make(randomUUID()), movieId: MovieId.make(randomUUID()), title })

describe("notification messages", () => {
  it("default text per type; templates fill placeholders, nested ones too; `*` covers the rest", () => {
    expect(describeEvent(movie("Alien (1979)"))).toEqual({ title: "New movie", body: "Alien (1979) was added" })
    const done = new LibraryScanDone({
      libraryId: LibraryId.make(randomUUID()), scanId: ScanId.make(randomUUID()), status: "completed", durationMs: 5,
      counts: new ScanCounts({ seen: 3, new: 2, changed: 0, unchanged: 1, removed: 0, matched: 3, unmatched: 0, errors: 0 })
    })
    const templates = [
      new MessageTemplate({ event: "library.scan_done", body: "{{counts.new}} new ({{type}}) {{missing}}." }),
      new MessageTemplate({ event: "*", title: "[media] {{title_default}}" })
    ]
    expect(renderDigest(templates, [done])).toEqual({ title: "Library scan done", body: "2 new (library.scan_done) ." })
    expect(renderDigest(templates, [new UserCreated({ userId: UserId.make(randomUUID()), username: "ann" })]))
      .toEqual({ title: "[media] New user", body: "ann has an account" })
  })

  it("a digest lists ten and counts the rest", () => {
    const digest = renderDigest([], Array.from({ length: 47 }, (_, i) => movie(`Movie ${i}`)))
    expect(digest.title).toBe("47 notifications")
    const lines = digest.body.split("\n")
    expect(lines).toHaveLength(11)
    expect(lines[0]).toBe("New movie: Movie 0 was added")
    expect(lines[10]).toBe("… and 37 more")
  })

  it("the webhook signature is HMAC-SHA256 of `<timestamp>.<body>`", () => {
    const body = JSON.stringify({ hello: "world" })
    const expected = createHmac("sha256", "key").update(`1700000000.${body}`).digest("hex")
    expect(signWebhook("key", "1700000000", body)).toBe(`sha256=${expected}`)
    expect(signWebhook("key", "1700000001", body)).not.toBe(`sha256=${expected}`)
  })
})
