/**
 * A minimal Postgres wire-protocol client for tests of the embedded bridge: it speaks the simple query
 * protocol and hands back the exact bytes of each answer, optionally reading them slowly (the socket is
 * paused between chunks) so that the server meets backpressure.
 */
import * as Net from "node:net"

const READY_FOR_QUERY = 0x5a
/** Type bytes a backend sends after start-up; anything else means the stream is out of step. */
const BACKEND_TYPES = new Set(Array.from("123ACDEGHIKNRSTVWZcdnpstv", (c) => c.charCodeAt(0)))

export class OutOfStep extends Error {}

export const startupMessage = (): Buffer => {
  const params = Buffer.from("user\0postgres\0database\0postgres\0\0")
  const message = Buffer.alloc(8 + params.length)
  message.writeInt32BE(message.length, 0)
  message.writeInt32BE(196608, 4)
  params.copy(message, 8)
  return message
}

export const queryMessage = (sql: string): Buffer => {
  const text = Buffer.from(`${sql}\0`)
  const message = Buffer.alloc(5 + text.length)
  message[0] = 0x51
  message.writeInt32BE(4 + text.length, 1)
  text.copy(message, 5)
  return message
}

/**
 * The offset just past the first complete ReadyForQuery in `bytes`, if the framing reaches one; an
 * unknown message type or impossible length is reported at once (corrupted bytes would otherwise be
 * read as a huge length and waited for forever).
 */
const endOfAnswer = (bytes: Buffer): number | undefined | OutOfStep => {
  let offset = 0
  while (offset + 5 <= bytes.length) {
    const type = bytes[offset] ?? 0
    const length = bytes.readInt32BE(offset + 1)
    if (!BACKEND_TYPES.has(type) || length < 4 || length > 0x40000000) {
      return new OutOfStep(`message type 0x${type.toString(16)} with length ${length} at offset ${offset}`)
    }
    const end = offset + 1 + length
    if (end > bytes.length) return undefined
    if (bytes[offset] === READY_FOR_QUERY) return end
    offset = end
  }
  return undefined
}

export interface WireClient {
  /** Sends one simple query and resolves with the bytes of its whole answer (through ReadyForQuery). */
  readonly query: (sql: string, options?: { readonly slowMillis?: number }) => Promise<Buffer>
  readonly close: () => void
}

export const connectWire = (socketPath: string): Promise<WireClient> =>
  new Promise((resolve, reject) => {
    const socket = Net.connect(socketPath)
    let received = Buffer.alloc(0)
    let slowMillis = 0
    let waiter: ((answer: Buffer | OutOfStep) => void) | undefined
    const deliver = () => {
      const end = endOfAnswer(received)
      if (end instanceof OutOfStep) {
        waiter?.(end)
        waiter = undefined
        return
      }
      if (end === undefined || waiter === undefined) return
      const answer = received.subarray(0, end)
      received = received.subarray(end)
      const done = waiter
      waiter = undefined
      done(answer)
    }
    socket.on("data", (chunk) => {
      received = Buffer.concat([received, chunk])
      if (slowMillis > 0) {
        socket.pause()
        setTimeout(() => socket.resume(), slowMillis)
      }
      deliver()
    })
    socket.once("error", reject)
    const client: WireClient = {
      query: (sql, options) =>
        new Promise((answered, failed) => {
          slowMillis = options?.slowMillis ?? 0
          waiter = (answer) => (answer instanceof OutOfStep ? failed(answer) : answered(answer))
          socket.write(queryMessage(sql))
        }),
      close: () => socket.destroy()
    }
    socket.once("connect", () => {
      waiter = (answer) => (answer instanceof OutOfStep ? reject(answer) : resolve(client))
      socket.write(startupMessage())
    })
  })
