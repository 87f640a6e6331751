import { describe, expect, it } from "@effect/vitest"
import { HttpServerResponse } from "@effect/platform"
import { DateTime, Schema } from "effect"
import { encodedOnce } from "../src/http/EncodedOnce.js"

const Info = Schema.Struct({ uptimeSeconds: Schema.Number, startedAt: Schema.DateTimeUtc })
const NonNegative = Schema.Number.pipe(Schema.nonNegative())

const bodyOf = (answer: unknown): unknown =>
  HttpServerResponse.isServerResponse(answer) && answer.body._tag === "Uint8Array"
    ? JSON.parse(new TextDecoder().decode(answer.body.body))
    : undefined

describe("encodedOnce", () => {
  it("encodes a value once, answers it again as the same response, and encodes the next value anew", () => {
    const answer = encodedOnce(Info)
    const first = { uptimeSeconds: 1, startedAt: DateTime.unsafeMake(0) }
    const response = answer(first)
    expect(bodyOf(response)).toEqual({ uptimeSeconds: 1, startedAt: "1970-01-01T00:00:00.000Z" })
    expect(answer(first)).toBe(response)
    const next = answer({ uptimeSeconds: 2, startedAt: DateTime.unsafeMake(0) })
    expect(next).not.toBe(response)
    expect(bodyOf(next)).toMatchObject({ uptimeSeconds: 2 })
  })

  it("hands back a value it cannot encode, for HttpApi to report as it does for any answer", () => {
    expect(encodedOnce(NonNegative)(-1)).toBe(-1)
  })
})
