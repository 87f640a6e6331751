/**
 * Secrets the server must read back (TOTP secrets, OIDC client secrets) are stored sealed with
 * AES-256-GCM under SECRETS_KEY: `v1.<iv>.<tag>.<ciphertext>`, base64url. A value that does not open
 * (another key, tampering) is a fault of the deployment, not of the request: a ConfigurationError
 * naming SECRETS_KEY (500; retrying cannot fix it), logged once per node.
 */
import { ConfigurationError } from "@mediaserver/domain"
import { Context, Effect, Layer, Option, Redacted } from "effect"
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto"
import { AppConfig, DEFAULT_SECRETS_KEY } from "../config/AppConfig.js"

export class SecretBox extends Context.Tag("@mediaserver/auth/SecretBox")<
  SecretBox,
  {
    readonly seal: (plain: Redacted.Redacted<string>) => string
    /** A stored value sealed with another key (SECRETS_KEY changed) does not open: a ConfigurationError. */
    readonly open: (sealed: string) => Effect.Effect<Redacted.Redacted<string>, ConfigurationError>
  }
>() {
  static readonly layer = Layer.effect(
    SecretBox,
    Effect.gen(function* () {
      const config = yield* AppConfig
      if (Redacted.value(config.secretsKey) === DEFAULT_SECRETS_KEY && Option.isSome(config.databaseUrl)) {
        yield* Effect.logWarning("SECRETS_KEY is not set: stored TOTP and OIDC client secrets are sealed with the public default key")
      }
      const key = createHash("sha256").update(Redacted.value(config.secretsKey)).digest()
      const MESSAGE = "A stored secret cannot be decrypted with SECRETS_KEY: set SECRETS_KEY to the key the secrets were sealed with"
      // Every request that reads the secret fails the same way: the log says it once.
      const logOnce = yield* Effect.once(Effect.logError(MESSAGE))
      return {
        seal: (plain) => {
          const iv = randomBytes(12)
          const cipher = createCipheriv("aes-256-gcm", key, iv)
          const data = Buffer.concat([cipher.update(Redacted.value(plain), "utf8"), cipher.final()])
          return ["v1", iv, cipher.getAuthTag(), data].map((part) => (typeof part === "string" ? part : part.toString("base64url"))).join(".")
        },
        open: (sealed) => {
          const unreadable = new ConfigurationError({ message: MESSAGE, variable: "SECRETS_KEY" })
          const [version, iv, tag, data] = sealed.split(".")
          if (version !== "v1" || iv === undefined || tag === undefined || data === undefined) {
            return Effect.zipRight(logOnce, Effect.fail(unreadable))
          }
          return Effect.try({
            try: () => {
              const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"))
              decipher.setAuthTag(Buffer.from(tag, "base64url"))
              const plain = Buffer.concat([decipher.update(Buffer.from(data, "base64url")), decipher.final()])
              return Redacted.make(plain.toString("utf8"))
            },
            catch: () => unreadable
          }).pipe(Effect.tapError(() => logOnce))
        }
      }
    })
  )
}
