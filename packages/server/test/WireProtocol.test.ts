import { describe, expect, it } from "@effect/vitest"
import { FastCheck } from "effect"
import { AnswerFraming, MessageSplitter } from "../src/db/WireProtocol.js"
import { queryMessage, startupMessage } from "./support/WireClient.js"

const backendMessage = (type: string, body: Buffer): Buffer => {
  const message = Buffer.alloc(5 + body.length)
  message.write(type, 0, "latin1")
  message.writeInt32BE(4 + body.length, 1)
  body.copy(message, 5)
  return message
}
const readyIdle = backendMessage("Z", Buffer.from("I"))
const readyInTransaction = backendMessage("Z", Buffer.from("T"))
/** A DataRow whose value is the bytes of a ReadyForQuery "idle": only framing tells them apart. */
const lookalikeRow = (() => {
  const value = readyIdle
  const body = Buffer.alloc(2 + 4 + value.length)
  body.writeInt16BE(1, 0)
  body.writeInt32BE(value.length, 2)
  value.copy(body, 6)
  return backendMessage("D", body)
})()

/** Cuts `bytes` at the given offsets (sorted, deduplicated, within range). */
const cut = (bytes: Buffer, offsets: ReadonlyArray<number>): Array<Buffer> => {
  const points = [...new Set(offsets.map((o) => o % (bytes.length + 1)))].sort((a, b) => a - b)
  const pieces: Array<Buffer> = []
  let start = 0
  for (const point of [...points, bytes.length]) {
    pieces.push(bytes.subarray(start, point))
    start = point
  }
  return pieces
}
const offsets = FastCheck.array(FastCheck.nat(), { maxLength: 12 })

describe("wire protocol framing", () => {
  it("recognises ReadyForQuery idle by position, however the answer is cut", () => {
    FastCheck.assert(
      FastCheck.property(offsets, (points) => {
        const answer = Buffer.concat([lookalikeRow, lookalikeRow, readyIdle])
        const framing = new AnswerFraming()
        framing.beginAnswer()
        const pieces = cut(answer, points)
        for (const [index, piece] of pieces.entries()) {
          framing.feed(piece)
          // Before the last byte arrives the answer is never idle, even right after a lookalike value.
          if (index < pieces.length - 1 && pieces.slice(index + 1).some((p) => p.length > 0)) {
            expect(framing.endsIdle()).toBe(false)
          }
        }
        expect(framing.endsIdle()).toBe(true)
      })
    )
  })

  it("is not idle inside a transaction, nor for an answer with no ReadyForQuery", () => {
    const framing = new AnswerFraming()
    framing.beginAnswer()
    framing.feed(Buffer.concat([lookalikeRow, readyInTransaction]))
    expect(framing.endsIdle()).toBe(false)
    framing.beginAnswer()
    framing.feed(backendMessage("1", Buffer.alloc(0))) // ParseComplete of a batch still open
    expect(framing.endsIdle()).toBe(false)
    framing.beginAnswer()
    framing.feed(readyIdle)
    expect(framing.endsIdle()).toBe(true)
  })

  it("splits a client's stream into its messages, however it is cut", () => {
    FastCheck.assert(
      FastCheck.property(offsets, FastCheck.array(FastCheck.string({ maxLength: 3000 }), { maxLength: 5 }), (points, sqls) => {
        const sent = [startupMessage(), ...sqls.map(queryMessage)]
        const splitter = new MessageSplitter()
        const received: Array<Buffer> = []
        for (const piece of cut(Buffer.concat(sent), points)) {
          const split = splitter.push(piece)
          if (split._tag === "Fault") throw new Error(split.message)
          received.push(...split.messages)
        }
        expect(received.map((m) => m.toString("hex"))).toEqual(sent.map((m) => m.toString("hex")))
      })
    )
  })

  it("answers an SSL request with N and reports a length out of step as a fault", () => {
    const sslRequest = Buffer.alloc(8)
    sslRequest.writeInt32BE(8, 0)
    sslRequest.writeInt32BE(80877103, 4)
    const splitter = new MessageSplitter()
    const first = splitter.push(Buffer.concat([sslRequest, startupMessage()]))
    expect(first._tag === "Split" && first.replies.map(String)).toEqual(["N"])
    expect(first._tag === "Split" && first.messages.length).toBe(1)
    const garbage = Buffer.from([0x44, 0x44, 0, 0, 4])
    expect(splitter.push(garbage)._tag).toBe("Fault")
  })
})
