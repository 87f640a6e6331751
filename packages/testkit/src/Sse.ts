/**
 * A server-sent events client for tests and benchmarks: one node:http GET kept open, its frames parsed
 * as they arrive (id, event, data; comments counted). Closed with the scope.
 */
import { Effect, type Scope } from "effect"
import * as Http from "node:http"

export interface SseFrame {
  readonly id: string | undefined
  readonly event: string
  readonly data: string
  /** performance.now() when the frame was parsed. */
  readonly receivedAt: number
}

export interface SseConnection {
  readonly status: number
  readonly frames: ReadonlyArray<SseFrame>
  readonly comments: ReadonlyArray<string>
  readonly closed: () => boolean
  readonly close: () => void
}

export const openSse = (
  url: string,
  headers: Readonly<Record<string, string>> = {},
  onFrame?: (frame: SseFrame) => void
): Effect.Effect<SseConnection, Error, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.async<SseConnection, Error>((resume) => {
      const frames: Array<SseFrame> = []
      const comments: Array<string> = []
      let closed = false
      let buffer = ""
      const req = Http.get(url, { headers: { accept: "text/event-stream", ...headers }, agent: false }, (res) => {
        res.setEncoding("utf8")
        res.on("data", (chunk: string) => {
          buffer += chunk
          let end = buffer.indexOf("\n\n")
          while (end >= 0) {
            const block = buffer.slice(0, end)
            buffer = buffer.slice(end + 2)
            end = buffer.indexOf("\n\n")
            let id: string | undefined
            let event = "message"
            const data: Array<string> = []
            for (const line of block.split("\n")) {
              if (line.startsWith(":")) comments.push(line.slice(1).trim())
              else if (line.startsWith("id: ")) id = line.slice(4)
              else if (line.startsWith("event: ")) event = line.slice(7)
              else if (line.startsWith("data: ")) data.push(line.slice(6))
            }
            if (data.length > 0) {
              const frame = { id, event, data: data.join("\n"), receivedAt: performance.now() }
              frames.push(frame)
              onFrame?.(frame)
            }
          }
        })
        res.on("close", () => (closed = true))
        resume(Effect.succeed({
          status: res.statusCode ?? 0,
          frames,
          comments,
          closed: () => closed,
          close: () => {
            closed = true
            req.destroy()
          }
        }))
      })
      req.on("error", (error) => {
        closed = true
        resume(Effect.fail(error))
      })
    }),
    (connection) => Effect.sync(() => connection.close())
  )
