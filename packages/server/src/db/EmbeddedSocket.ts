/**
 * Serves one PGlite over the Postgres wire protocol on a unix socket, for any number of client
 * connections. PGlite has a single backend, so a connection keeps the floor from its first message
 * until PGlite answers ReadyForQuery "idle": an extended-protocol batch (Parse..Sync) or an open
 * transaction of one connection never interleaves with another's. (pglite-socket interleaves at message
 * granularity, which breaks unnamed statements/portals under concurrent load.)
 */
import type { PGlite } from "@electric-sql/pglite"
import * as Net from "node:net"

const SSL_REQUEST = 80877103
const GSSENC_REQUEST = 80877104
const CANCEL_REQUEST = 80877102
const TERMINATE = 0x58 // 'X'
// ReadyForQuery, length 5, status 'I': the connection left no transaction or batch open.
const READY_IDLE = Buffer.from([0x5a, 0, 0, 0, 5, 0x49])
const SYNC = new Uint8Array([0x53, 0, 0, 0, 4])

/** Hands the single backend to one connection at a time, in arrival order. */
class Floor {
  private owner: Connection | undefined
  private readonly waiting: Array<{ readonly connection: Connection; readonly granted: () => void }> = []

  take(connection: Connection): Promise<void> {
    if (this.owner === undefined || this.owner === connection) {
      this.owner = connection
      return Promise.resolve()
    }
    return new Promise((granted) => this.waiting.push({ connection, granted }))
  }

  release(connection: Connection): void {
    if (this.owner !== connection) return
    const next = this.waiting.shift()
    this.owner = next?.connection
    next?.granted()
  }

  forget(connection: Connection): void {
    const index = this.waiting.findIndex((waiter) => waiter.connection === connection)
    if (index >= 0) this.waiting.splice(index, 1)
    this.release(connection)
  }

  holds(connection: Connection): boolean {
    return this.owner === connection
  }
}

class Connection {
  private pending = Buffer.alloc(0)
  private started = false
  private closed = false
  private work: Promise<void> = Promise.resolve()

  constructor(
    private readonly db: PGlite,
    private readonly floor: Floor,
    private readonly socket: Net.Socket
  ) {
    socket.setNoDelay(true)
    socket.on("data", (chunk) => this.receive(chunk))
    socket.on("error", () => this.close())
    socket.on("close", () => this.close())
  }

  private receive(chunk: Buffer): void {
    this.pending = Buffer.concat([this.pending, chunk])
    for (;;) {
      const message = this.nextMessage()
      if (message === undefined) return
      this.work = this.work.then(() => this.handle(message))
    }
  }

  /** Splits off one complete message: untyped during start-up, typed after. */
  private nextMessage(): Buffer | undefined {
    const headerLength = this.started ? 5 : 8
    if (this.pending.length < headerLength) return undefined
    const length = this.started ? 1 + this.pending.readInt32BE(1) : this.pending.readInt32BE(0)
    if (this.pending.length < length) return undefined
    const message = this.pending.subarray(0, length)
    this.pending = this.pending.subarray(length)
    if (!this.started) {
      const code = message.readInt32BE(4)
      if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
        this.socket.write("N")
        return this.nextMessage()
      }
      if (code === CANCEL_REQUEST) {
        this.socket.end()
        return undefined
      }
      this.started = true
    }
    return message
  }

  private async handle(message: Buffer): Promise<void> {
    if (this.closed) return
    if (this.started && message[0] === TERMINATE) {
      this.socket.end()
      return
    }
    await this.floor.take(this)
    if (this.closed) return this.floor.release(this)
    let tail = Buffer.alloc(0)
    try {
      await this.db.execProtocolRawStream(new Uint8Array(message), {
        onRawData: (data) => {
          if (this.socket.writable) this.socket.write(data)
          tail = Buffer.concat([tail, Buffer.from(data)]).subarray(-READY_IDLE.length)
        }
      })
    } catch {
      // PGlite reports protocol errors to the client itself; a throw here means the backend is gone.
      this.socket.destroy()
      return
    }
    if (tail.equals(READY_IDLE)) this.floor.release(this)
  }

  private close(): void {
    if (this.closed) return
    this.closed = true
    // Queue behind any message in flight, then undo what the connection left open.
    this.work = this.work.then(async () => {
      if (this.floor.holds(this)) {
        // End a half-sent batch (after an error the backend skips everything until Sync), then the transaction.
        await this.db.execProtocolRaw(SYNC).catch(() => undefined)
        if (this.db.isInTransaction()) await this.db.exec("ROLLBACK").catch(() => undefined)
      }
      this.floor.forget(this)
    })
  }
}

export interface EmbeddedSocketServer {
  readonly close: () => Promise<void>
}

export const serveEmbedded = (db: PGlite, socketPath: string): Promise<EmbeddedSocketServer> =>
  new Promise((resolve, reject) => {
    const floor = new Floor()
    const sockets = new Set<Net.Socket>()
    const server = Net.createServer((socket) => {
      sockets.add(socket)
      socket.on("close", () => sockets.delete(socket))
      new Connection(db, floor, socket)
    })
    server.once("error", reject)
    server.listen(socketPath, () => {
      server.off("error", reject)
      resolve({
        close: () =>
          new Promise((done) => {
            for (const socket of sockets) socket.destroy()
            server.close(() => done())
          })
      })
    })
  })
