/** SQL of `email_tokens`: single-use verification and reset tokens, stored as sha-256 digests. */
import { SqlClient } from "@effect/sql"
import { type DatabaseError, UserId } from "@mediaserver/domain"
import { Context, Effect, Layer, Option, Schema } from "effect"
import { decodeRows, optionalRow as first, wrapSql } from "../db/Sql.js"

export type EmailTokenPurpose = "verify" | "reset"

const TokenRow = Schema.Struct({ user_id: UserId, email: Schema.String })
export type TokenRow = typeof TokenRow.Type
const decodeTokens = decodeRows(TokenRow)

export class EmailTokensRepo extends Context.Tag("@mediaserver/auth/EmailTokensRepo")<
  EmailTokensRepo,
  {
    /** Stores a new token; earlier unused tokens of the user for the same purpose stop working. */
    readonly issue: (token: {
      readonly hash: string
      readonly userId: UserId
      readonly purpose: EmailTokenPurpose
      readonly email: string
      readonly expiresAt: Date
    }) => Effect.Effect<void, DatabaseError>
    /** A live (unused, unexpired) token, without using it. */
    readonly find: (hash: string, purpose: EmailTokenPurpose) => Effect.Effect<Option.Option<TokenRow>, DatabaseError>
    /** Uses a live token: only one caller ever gets it. */
    readonly consume: (hash: string, purpose: EmailTokenPurpose) => Effect.Effect<Option.Option<TokenRow>, DatabaseError>
  }
>() {
  static readonly layer = Layer.effect(
    EmailTokensRepo,
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      return {
        issue: (t) =>
          Effect.zipRight(
            sql`DELETE FROM email_tokens WHERE user_id = ${t.userId} AND purpose = ${t.purpose} AND used_at IS NULL`,
            sql`
              INSERT INTO email_tokens (token_hash, user_id, purpose, email, expires_at)
              VALUES (${t.hash}, ${t.userId}, ${t.purpose}, ${t.email}, ${t.expiresAt})
            `
          ).pipe(Effect.asVoid, sql.withTransaction, wrapSql("emailTokens.issue")),
        find: (hash, purpose) =>
          sql`
            SELECT user_id, email FROM email_tokens
            WHERE token_hash = ${hash} AND purpose = ${purpose} AND used_at IS NULL AND expires_at > now()
          `.pipe(Effect.flatMap(decodeTokens), Effect.map(first), wrapSql("emailTokens.find")),
        consume: (hash, purpose) =>
          sql`
            UPDATE email_tokens SET used_at = now()
            WHERE token_hash = ${hash} AND purpose = ${purpose} AND used_at IS NULL AND expires_at > now()
            RETURNING user_id, email
          `.pipe(Effect.flatMap(decodeTokens), Effect.map(first), wrapSql("emailTokens.consume"))
      }
    })
  )
}
