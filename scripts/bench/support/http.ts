/** JSON calls of a benchmark's setup (register, login, grants); a non-2xx answer fails with its body. */
import { Effect, Schema } from "effect"

export const callJson = <A, I>(
  method: string,
  url: string,
  body: unknown,
  schema: Schema.Schema<A, I>,
  headers: Record<string, string> = {}
) =>
  Effect.tryPromise({
    try: async () => {
      const res = await fetch(url, {
        method,
        headers: { "content-type": "application/json", ...headers },
        ...(body === undefined ? {} : { body: JSON.stringify(body) })
      })
      return { status: res.status, body: await res.text() }
    },
    catch: (cause) => new Error(`${method} ${url} failed: ${String(cause)}`)
  }).pipe(
    Effect.filterOrFail((res) => res.status < 300, (res) => new Error(`${method} ${url} answered ${res.status}: ${res.body}`)),
    Effect.flatMap((res) => Schema.decodeUnknown(Schema.parseJson(schema))(res.body))
  )
