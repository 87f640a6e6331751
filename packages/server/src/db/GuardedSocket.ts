/**
 * The socket the pg driver talks through. pg parses the server's bytes inside the socket's "data"
 * handler, so a protocol fault (bytes out of step with the message framing) throws out of an event
 * handler and would end the process. Here such a throw becomes a connection error instead: pg fails the
 * queries in flight on that connection (our repositories turn them into a retryable DatabaseError), the
 * pool drops the connection and opens a new one for the next query, and the fault is reported once.
 * (A TLS connection is read through the TLS socket pg wraps around this one, so it is not guarded.)
 */
import * as Net from "node:net"

export class ProtocolFaultError extends Error {
  override readonly name = "ProtocolFaultError"
}

class GuardedSocket extends Net.Socket {
  constructor(private readonly onFault: (error: ProtocolFaultError) => void) {
    super()
  }

  override emit(event: string | symbol, ...args: Array<unknown>): boolean {
    if (event !== "data") return super.emit(event, ...args)
    try {
      return super.emit(event, ...args)
    } catch (cause) {
      const fault = new ProtocolFaultError(`database protocol fault: ${String(cause)}`, { cause })
      this.onFault(fault)
      this.destroy(fault)
      return false
    }
  }
}

/** pg's `stream` option: a guarded socket per connection. */
export const guardedStream = (onFault: (error: ProtocolFaultError) => void) => (): Net.Socket => new GuardedSocket(onFault)
