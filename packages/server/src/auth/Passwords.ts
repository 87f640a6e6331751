/**
 * Password hashing (argon2id: the library's default algorithm and OWASP-recommended costs) and the
 * password policy.
 * Hashing runs on libuv's thread pool, so it does not block the event loop.
 */
import { hash, verify } from "@node-rs/argon2"
import { Unprocessable } from "@mediaserver/domain"
import { Context, Effect, Layer, Option, Redacted } from "effect"
import { AppConfig } from "../config/AppConfig.js"

const MAX_LENGTH = 256

/** A small list of passwords every cracking dictionary starts with. */
const COMMON = new Set([
  "password", "password1", "password12", "password123", "password1234", "passw0rd", "p@ssw0rd", "p@ssword",
  "123456", "1234567", "12345678", "123456789", "1234567890", "0123456789", "987654321", "qwerty",
  "qwerty123", "qwertyuiop", "1q2w3e4r", "1q2w3e4r5t", "1qaz2wsx", "zaq12wsx", "abc123", "abcd1234",
  "abcdefgh", "iloveyou", "letmein", "letmein123", "welcome", "welcome1", "welcome123", "admin",
  "admin123", "administrator", "changeme", "changeme123", "monkey", "dragon", "football", "baseball",
  "sunshine", "princess", "trustno1", "superman", "starwars", "master", "shadow", "111111", "000000",
  "11111111", "00000000", "aaaaaaaa", "mediaserver", "jellyfin", "plex", "emby", "secret", "secret123"
])

/**
 * Accounts made by single sign-on have no password: their hash is empty. A login then verifies the
 * dummy hash (same time as a wrong password) and fails.
 */
export const NO_PASSWORD = ""
export const passwordHashOf = (user: { readonly password_hash: string }): Option.Option<string> =>
  user.password_hash === NO_PASSWORD ? Option.none() : Option.some(user.password_hash)

export interface PolicyInput {
  readonly field: string
  readonly password: Redacted.Redacted<string>
  readonly username: string
  readonly minLength: number
}

/** The first rule the password breaks, as a 422 naming the field. */
export const checkPolicy = (input: PolicyInput): Option.Option<Unprocessable> => {
  const password = Redacted.value(input.password)
  const fail = (reason: string, message: string) =>
    Option.some(new Unprocessable({ message: `${input.field}: ${message}`, details: { field: input.field, reason } }))
  if (password.length < input.minLength) return fail("too_short", `must be at least ${input.minLength} characters`)
  if (password.length > MAX_LENGTH) return fail("too_long", `must be at most ${MAX_LENGTH} characters`)
  const lower = password.toLowerCase()
  if (lower === input.username.toLowerCase()) return fail("same_as_username", "must not be the username")
  if (COMMON.has(lower)) return fail("too_common", "is too common")
  return Option.none()
}

export class Passwords extends Context.Tag("@mediaserver/auth/Passwords")<
  Passwords,
  {
    readonly minLength: number
    readonly hash: (password: Redacted.Redacted<string>) => Effect.Effect<string>
    /** False for a wrong password or an unreadable hash; `undefined` hash: verify a dummy (same time). */
    readonly verify: (hash: string | undefined, password: Redacted.Redacted<string>) => Effect.Effect<boolean>
  }
>() {
  static readonly layer = Layer.effect(
    Passwords,
    Effect.gen(function* () {
      const config = yield* AppConfig
      const hashOf = (password: Redacted.Redacted<string>) =>
        Effect.promise(() => hash(Redacted.value(password)))
      // Unknown users are checked against this hash so they take as long as wrong passwords.
      const dummy = yield* hashOf(Redacted.make("no such user: timing equaliser"))
      return {
        minLength: config.authPasswordMinLength,
        hash: hashOf,
        verify: (stored, password) =>
          Effect.tryPromise(() => verify(stored ?? dummy, Redacted.value(password))).pipe(
            Effect.map((ok) => ok && stored !== undefined),
            Effect.orElseSucceed(() => false)
          )
      }
    })
  )
}
