import { describe, expect, it } from "@effect/vitest"
import { Schema } from "effect"
import { BadRequest, HttpNotFound, isDiscard, isRetryable, NotFound, Unavailable } from "../src/index.js"

describe("errors", () => {
  it("classifies discard and retryable families", () => {
    expect(isDiscard(new NotFound({ message: "x" }))).toBe(true)
    expect(isDiscard(new BadRequest({ message: "x" }))).toBe(true)
    expect(isRetryable(new Unavailable({ message: "x" }))).toBe(true)
  })

  it("encodes an HTTP error as { code, message, details } and back", () => {
    const encoded = Schema.encodeSync(HttpNotFound)(new NotFound({ message: "no movie 7", details: { id: 7 } }))
    expect(encoded).toEqual({ code: "NotFound", message: "no movie 7", details: { id: 7 } })
    const decoded = Schema.decodeUnknownSync(HttpNotFound)(encoded)
    expect(decoded).toBeInstanceOf(NotFound)
    expect(decoded.message).toBe("no movie 7")
  })
})
