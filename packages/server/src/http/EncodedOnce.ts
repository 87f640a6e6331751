/**
 * A REST answer that changes rarely (system info: once a second) is encoded once per value instead of
 * once per request: the handler returns the finished response, which HttpApi sends as it is. For
 * success answers with the default status (200, JSON) only.
 */
import { HttpServerResponse } from "@effect/platform"
import { Either, Schema } from "effect"

export const encodedOnce = <A, I>(schema: Schema.Schema<A, I>) => {
  const encode = Schema.encodeEither(schema)
  let last: { readonly value: A; readonly response: HttpServerResponse.HttpServerResponse } | undefined
  return (value: A): A | HttpServerResponse.HttpServerResponse => {
    if (last !== undefined && last.value === value) return last.response
    return Either.match(encode(value), {
      // HttpApi encodes it again and reports the failure as it does for any answer.
      onLeft: () => value,
      onRight: (encoded) => {
        const response = HttpServerResponse.unsafeJson(encoded)
        last = { value, response }
        return response
      }
    })
  }
}
