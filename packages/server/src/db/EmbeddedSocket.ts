/**
 * Serves one PGlite over the Postgres wire protocol on a unix socket, for any number of client
 * connections. PGlite has a single backend, so a connection keeps the floor from its first message
 * until its answer ends in ReadyForQuery "idle": an extended-protocol batch (Parse..Sync) or an open
 * transaction of one connection never interleaves with another's.
 *
 * Why not @electric-sql/pglite-socket (measured 2026-12 with 0.2.17 and 0.2.18, pg Pool, 300 mixed
 * queries: parameterised selects and two-row transactions on every connection at once): it hands the
 * backend over between any two messages unless a transaction is open, so connections' unnamed
 * statements and portals interleave. With 4 connections 75 of 300 failed ("portal does not exist",
 * "unnamed prepared statement does not exist") and 2 answered another query's row; with 8 it hung.
 * This bridge answered all 300 correctly in both cases.
 */
import type { PGlite } from "@electric-sql/pglite"
import * as Net from "node:net"
import { AnswerFraming, MessageSplitter, type ProtocolFault } from "./WireProtocol.js"

const TERMINATE = 0x58 // 'X'
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

export interface EmbeddedSocketOptions {
  /** Told once per connection that sent bytes the bridge cannot frame (the connection is closed). */
  readonly onFault?: (fault: ProtocolFault) => void
}

class Connection {
  private readonly splitter = new MessageSplitter()
  private readonly framing = new AnswerFraming()
  private closed = false
  private work: Promise<void> = Promise.resolve()

  constructor(
    private readonly db: PGlite,
    private readonly floor: Floor,
    private readonly socket: Net.Socket,
    private readonly options: EmbeddedSocketOptions
  ) {
    socket.setNoDelay(true)
    socket.on("data", (chunk) => this.receive(chunk))
    socket.on("error", () => this.close())
    socket.on("close", () => this.close())
  }

  private receive(chunk: Buffer): void {
    const split = this.splitter.push(chunk)
    if (split._tag === "Fault") {
      this.options.onFault?.(split)
      this.socket.destroy()
      return
    }
    for (const reply of split.replies) this.socket.write(reply)
    for (const message of split.messages) {
      this.work = this.work.then(() => this.handle(message)).catch(() => {
        this.socket.destroy()
      })
    }
    if (split.cancelled) this.socket.end()
  }

  private async handle(message: Buffer): Promise<void> {
    if (this.closed) return
    // A StartupMessage starts with its length's high byte (0), so only Terminate starts with 'X'.
    if (message[0] === TERMINATE) {
      this.socket.end()
      return
    }
    await this.floor.take(this)
    if (this.closed) return this.floor.release(this)
    this.framing.beginAnswer()
    try {
      await this.db.execProtocolRawStream(message, {
        onRawData: (data) => {
          // `data` is a view of memory PGlite reuses for its next chunk, and a busy socket queues what it
          // is given without copying: only a copy may be handed over.
          if (this.socket.writable) this.socket.write(Buffer.from(data))
          this.framing.feed(data)
        }
      })
    } catch {
      // PGlite reports protocol errors to the client itself; a throw here means the backend is gone.
      this.socket.destroy()
      return
    }
    if (this.framing.endsIdle()) this.floor.release(this)
    // Backpressure: a slow reader's answers are not piled up in memory; its next message waits.
    if (this.socket.writableNeedDrain) await this.drained()
  }

  private drained(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.socket.off("drain", done)
        this.socket.off("close", done)
        resolve()
      }
      this.socket.on("drain", done)
      this.socket.on("close", done)
    })
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

export const serveEmbedded = (
  db: PGlite,
  socketPath: string,
  options: EmbeddedSocketOptions = {}
): Promise<EmbeddedSocketServer> =>
  new Promise((resolve, reject) => {
    const floor = new Floor()
    const sockets = new Set<Net.Socket>()
    const server = Net.createServer((socket) => {
      sockets.add(socket)
      socket.on("close", () => sockets.delete(socket))
      new Connection(db, floor, socket, options)
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
