/**
 * Framing of the Postgres wire protocol (v3) for the embedded bridge: what a client sends is split into
 * whole messages, and what the backend answers is followed message by message, across chunks, so the
 * bridge knows when an answer ended in ReadyForQuery "idle". Pure: no sockets, no PGlite.
 */

const SSL_REQUEST = 80877103
const GSSENC_REQUEST = 80877104
const CANCEL_REQUEST = 80877102
const READY_FOR_QUERY = 0x5a // 'Z'
const IDLE = 0x49 // 'I'
/** Postgres refuses messages over 1 GB; a larger length means the stream is out of step. */
const MAX_MESSAGE = 0x40000000
const NO_ENCRYPTION = Buffer.from("N")

export interface ProtocolFault {
  readonly _tag: "Fault"
  readonly message: string
}

export interface Split {
  readonly _tag: "Split"
  /** Whole messages, in order, for the backend. */
  readonly messages: ReadonlyArray<Buffer>
  /** Bytes the bridge answers itself (the refusal of SSL/GSS encryption). */
  readonly replies: ReadonlyArray<Buffer>
  /** A CancelRequest arrived: the connection ends (PGlite cannot cancel). */
  readonly cancelled: boolean
}

/**
 * Cuts a client's byte stream into messages: untyped (length first) until the StartupMessage, typed
 * (type byte, then length) after. Chunks are joined only once a message is whole, so a large message
 * arriving in many chunks costs one copy, not one per chunk.
 */
export class MessageSplitter {
  private chunks: Array<Buffer> = []
  private buffered = 0
  started = false

  push(chunk: Buffer): Split | ProtocolFault {
    this.chunks.push(chunk)
    this.buffered += chunk.length
    const messages: Array<Buffer> = []
    const replies: Array<Buffer> = []
    for (;;) {
      const headerLength = this.started ? 5 : 8
      if (this.buffered < headerLength) break
      const head = this.joined()
      const length = this.started ? 1 + head.readInt32BE(1) : head.readInt32BE(0)
      const minimum = this.started ? 5 : 8
      if (length < minimum || length > MAX_MESSAGE) {
        return { _tag: "Fault", message: `a client message declares ${length - (this.started ? 1 : 0)} bytes` }
      }
      if (this.buffered < length) break
      const message = head.subarray(0, length)
      this.chunks = length < head.length ? [head.subarray(length)] : []
      this.buffered -= length
      if (this.started) {
        messages.push(message)
        continue
      }
      const code = message.readInt32BE(4)
      if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
        replies.push(NO_ENCRYPTION)
        continue
      }
      if (code === CANCEL_REQUEST) return { _tag: "Split", messages, replies, cancelled: true }
      this.started = true
      messages.push(message)
    }
    return { _tag: "Split", messages, replies, cancelled: false }
  }

  private joined(): Buffer {
    if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks, this.buffered)]
    return this.chunks[0] ?? Buffer.alloc(0)
  }
}

/**
 * Follows the backend's answer to one client message: the headers of the messages it holds, however
 * the answer is cut into chunks, so a ReadyForQuery is recognised by its position, never by bytes that
 * happen to look like one inside a row.
 */
export class AnswerFraming {
  private readonly header = Buffer.alloc(5)
  private headerFilled = 0
  private remaining = 0
  private type = 0
  private lastComplete: "idle" | "other" | "none" = "none"

  beginAnswer(): void {
    this.lastComplete = "none"
  }

  feed(chunk: Uint8Array): void {
    let offset = 0
    while (offset < chunk.length) {
      if (this.remaining > 0) {
        const take = Math.min(this.remaining, chunk.length - offset)
        offset += take
        this.remaining -= take
        if (this.remaining === 0) {
          this.lastComplete = this.type === READY_FOR_QUERY && chunk[offset - 1] === IDLE ? "idle" : "other"
        }
        continue
      }
      this.header[this.headerFilled++] = chunk[offset++] ?? 0
      if (this.headerFilled < 5) continue
      this.headerFilled = 0
      this.type = this.header[0] ?? 0
      this.remaining = this.header.readInt32BE(1) - 4
      if (this.remaining <= 0) {
        this.remaining = 0
        this.lastComplete = "other"
      }
    }
  }

  /** The answer so far ends with a whole ReadyForQuery "idle": no batch or transaction is open. */
  endsIdle(): boolean {
    return this.lastComplete === "idle" && this.headerFilled === 0 && this.remaining === 0
  }
}
