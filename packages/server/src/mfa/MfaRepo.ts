/**
 * SQL of the second factors. Every "use once" rule is one conditional UPDATE, so two nodes racing
 * with the same code cannot both succeed: a TOTP step is accepted only above the last one used, a
 * backup code only while unused.
 */
import { SqlClient } from "@effect/sql"
import type { Conflict, DatabaseError, UserId } from "@mediaserver/domain"
import { Context, Effect, Layer, Option, Schema } from "effect"
import { decodeRows, firstRow, jsonb, wrapSql, wrapSqlUnique } from "../db/Sql.js"

const StateRow = Schema.Struct({
  enabled: Schema.Boolean,
  totp_secret: Schema.NullOr(Schema.String),
  totp_pending: Schema.NullOr(Schema.String),
  backup_remaining: Schema.NumberFromString,
  webauthn_count: Schema.NumberFromString
})
export type MfaState = typeof StateRow.Type

const CredentialRow = Schema.Struct({
  id: Schema.String,
  user_id: Schema.String,
  name: Schema.String,
  public_key: Schema.String,
  counter: Schema.NumberFromString,
  transports: Schema.Array(Schema.String),
  created_at: Schema.DateFromSelf,
  last_used_at: Schema.NullOr(Schema.DateFromSelf)
})
export type CredentialRow = typeof CredentialRow.Type

const decodeState = decodeRows(StateRow)
const decodeCredentials = decodeRows(CredentialRow)
const Hit = Schema.Struct({ hit: Schema.Number })
const decodeHits = decodeRows(Hit)
const hit = <E, R>(self: Effect.Effect<ReadonlyArray<unknown>, E, R>) =>
  self.pipe(Effect.flatMap(decodeHits), Effect.map((rows) => rows.length > 0))

export interface NewCredential {
  readonly id: string
  readonly userId: UserId
  readonly name: string
  readonly publicKey: string
  readonly counter: number
  readonly transports: ReadonlyArray<string>
}

export class MfaRepo extends Context.Tag("@mediaserver/mfa/MfaRepo")<
  MfaRepo,
  {
    /** None: no such user. */
    readonly state: (userId: UserId) => Effect.Effect<Option.Option<MfaState>, DatabaseError>
    readonly setPendingTotp: (userId: UserId, sealed: string) => Effect.Effect<void, DatabaseError>
    /** Makes the pending secret the active one and turns MFA on, if `step` is new. */
    readonly confirmTotp: (userId: UserId, step: number) => Effect.Effect<boolean, DatabaseError>
    /** Records `step` as used; false if it (or a later one) already was. */
    readonly useTotpStep: (userId: UserId, step: number) => Effect.Effect<boolean, DatabaseError>
    readonly deleteTotp: (userId: UserId) => Effect.Effect<void, DatabaseError>
    readonly setEnabled: (userId: UserId, enabled: boolean) => Effect.Effect<void, DatabaseError>
    /** Every factor gone at once: TOTP (set up or pending), backup codes, WebAuthn credentials; MFA off. */
    readonly removeAll: (userId: UserId) => Effect.Effect<void, DatabaseError>
    /** Replaces the codes; with `onlyIfNone`, only when no unused code is left (false otherwise). */
    readonly replaceBackupCodes: (userId: UserId, hashes: ReadonlyArray<string>, onlyIfNone: boolean) => Effect.Effect<boolean, DatabaseError>
    readonly useBackupCode: (userId: UserId, hash: string) => Effect.Effect<boolean, DatabaseError>
    readonly credentials: (userId: UserId) => Effect.Effect<ReadonlyArray<CredentialRow>, DatabaseError>
    readonly credential: (id: string) => Effect.Effect<Option.Option<CredentialRow>, DatabaseError>
    /** Adds the credential and turns MFA on; Conflict if it is registered already. */
    readonly addCredential: (credential: NewCredential) => Effect.Effect<CredentialRow, DatabaseError | Conflict>
    readonly usedCredential: (id: string, counter: number) => Effect.Effect<void, DatabaseError>
    readonly renameCredential: (userId: UserId, id: string, name: string) => Effect.Effect<Option.Option<CredentialRow>, DatabaseError>
    readonly deleteCredential: (userId: UserId, id: string) => Effect.Effect<boolean, DatabaseError>
  }
>() {
  static readonly layer = Layer.effect(
    MfaRepo,
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      const ensure = (userId: UserId) => sql`INSERT INTO user_mfa (user_id) VALUES (${userId}) ON CONFLICT (user_id) DO NOTHING`
      // With no factor left, MFA turns itself off (a login could not be completed), and the backup codes
      // go with it: they would otherwise come back to life with the next enrolment.
      const noFactor = (userId: UserId) => sql`
        NOT EXISTS (SELECT 1 FROM user_mfa WHERE user_id = ${userId} AND totp_secret IS NOT NULL)
          AND NOT EXISTS (SELECT 1 FROM webauthn_credentials WHERE user_id = ${userId})
      `
      const offWithoutFactor = (userId: UserId) => Effect.zipRight(
        sql`UPDATE user_mfa SET enabled = false, updated_at = now() WHERE user_id = ${userId} AND ${noFactor(userId)}`,
        sql`DELETE FROM mfa_backup_codes WHERE user_id = ${userId} AND ${noFactor(userId)}`
      )
      return {
        state: (userId) =>
          sql`
            SELECT COALESCE(m.enabled, false) AS enabled, m.totp_secret, m.totp_pending,
              (SELECT count(*) FROM mfa_backup_codes b WHERE b.user_id = u.id AND b.used_at IS NULL)::text AS backup_remaining,
              (SELECT count(*) FROM webauthn_credentials w WHERE w.user_id = u.id)::text AS webauthn_count
            FROM users u LEFT JOIN user_mfa m ON m.user_id = u.id
            WHERE u.id = ${userId}
          `.pipe(Effect.flatMap(decodeState), Effect.map((rows) => Option.fromNullable(rows[0])), wrapSql("mfa.state")),
        setPendingTotp: (userId, sealed) =>
          sql`
            INSERT INTO user_mfa (user_id, totp_pending) VALUES (${userId}, ${sealed})
            ON CONFLICT (user_id) DO UPDATE SET totp_pending = EXCLUDED.totp_pending, updated_at = now()
          `.pipe(Effect.asVoid, wrapSql("mfa.setPendingTotp")),
        confirmTotp: (userId, step) =>
          sql`
            UPDATE user_mfa SET totp_secret = totp_pending, totp_pending = NULL, totp_last_step = ${step},
              enabled = true, updated_at = now()
            WHERE user_id = ${userId} AND totp_pending IS NOT NULL AND (totp_last_step IS NULL OR totp_last_step < ${step})
            RETURNING 1 AS hit
          `.pipe(hit, wrapSql("mfa.confirmTotp")),
        useTotpStep: (userId, step) =>
          sql`
            UPDATE user_mfa SET totp_last_step = ${step}, updated_at = now()
            WHERE user_id = ${userId} AND totp_secret IS NOT NULL AND (totp_last_step IS NULL OR totp_last_step < ${step})
            RETURNING 1 AS hit
          `.pipe(hit, wrapSql("mfa.useTotpStep")),
        deleteTotp: (userId) =>
          Effect.zipRight(
            sql`UPDATE user_mfa SET totp_secret = NULL, totp_pending = NULL, updated_at = now() WHERE user_id = ${userId}`,
            offWithoutFactor(userId)
          ).pipe(sql.withTransaction, Effect.asVoid, wrapSql("mfa.deleteTotp")),
        removeAll: (userId) =>
          Effect.all([
            sql`DELETE FROM webauthn_credentials WHERE user_id = ${userId}`,
            sql`DELETE FROM mfa_backup_codes WHERE user_id = ${userId}`,
            sql`UPDATE user_mfa SET totp_secret = NULL, totp_pending = NULL, enabled = false, updated_at = now() WHERE user_id = ${userId}`
          ], { discard: true }).pipe(sql.withTransaction, wrapSql("mfa.removeAll")),
        setEnabled: (userId, enabled) =>
          Effect.zipRight(ensure(userId), sql`UPDATE user_mfa SET enabled = ${enabled}, updated_at = now() WHERE user_id = ${userId}`).pipe(
            Effect.asVoid,
            wrapSql("mfa.setEnabled")
          ),
        replaceBackupCodes: (userId, hashes, onlyIfNone) =>
          Effect.gen(function* () {
            // Serialises generate/regenerate of one user (the row lock), so two requests leave one set.
            yield* ensure(userId)
            yield* sql`SELECT 1 FROM user_mfa WHERE user_id = ${userId} FOR UPDATE`
            if (onlyIfNone) {
              const left = yield* sql`SELECT 1 AS hit FROM mfa_backup_codes WHERE user_id = ${userId} AND used_at IS NULL LIMIT 1`.pipe(hit)
              if (left) return false
            }
            yield* sql`DELETE FROM mfa_backup_codes WHERE user_id = ${userId}`
            yield* sql`INSERT INTO mfa_backup_codes ${sql.insert(hashes.map((code_hash) => ({ user_id: userId, code_hash })))}`
            return true
          }).pipe(sql.withTransaction, wrapSql("mfa.replaceBackupCodes")),
        useBackupCode: (userId, hash) =>
          sql`
            UPDATE mfa_backup_codes SET used_at = now()
            WHERE user_id = ${userId} AND code_hash = ${hash} AND used_at IS NULL
            RETURNING 1 AS hit
          `.pipe(hit, wrapSql("mfa.useBackupCode")),
        credentials: (userId) =>
          sql`SELECT * FROM webauthn_credentials WHERE user_id = ${userId} ORDER BY created_at, id`.pipe(
            Effect.flatMap(decodeCredentials),
            wrapSql("mfa.credentials")
          ),
        credential: (id) =>
          sql`SELECT * FROM webauthn_credentials WHERE id = ${id}`.pipe(
            Effect.flatMap(decodeCredentials),
            Effect.map((rows) => Option.fromNullable(rows[0])),
            wrapSql("mfa.credential")
          ),
        addCredential: (c) =>
          Effect.gen(function* () {
            const rows = yield* sql`
              INSERT INTO webauthn_credentials (id, user_id, name, public_key, counter, transports)
              VALUES (${c.id}, ${c.userId}, ${c.name}, ${c.publicKey}, ${c.counter}, ARRAY(SELECT jsonb_array_elements_text(${jsonb(c.transports)}::jsonb)))
              RETURNING *
            `.pipe(Effect.flatMap(decodeCredentials))
            yield* ensure(c.userId)
            yield* sql`UPDATE user_mfa SET enabled = true, updated_at = now() WHERE user_id = ${c.userId}`
            return yield* firstRow("mfa.addCredential")(rows)
          }).pipe(sql.withTransaction, wrapSqlUnique("mfa.addCredential", { webauthn_credentials_pkey: "response.id" })),
        usedCredential: (id, counter) =>
          sql`UPDATE webauthn_credentials SET counter = ${counter}, last_used_at = now() WHERE id = ${id}`.pipe(
            Effect.asVoid,
            wrapSql("mfa.usedCredential")
          ),
        renameCredential: (userId, id, name) =>
          sql`UPDATE webauthn_credentials SET name = ${name} WHERE id = ${id} AND user_id = ${userId} RETURNING *`.pipe(
            Effect.flatMap(decodeCredentials),
            Effect.map((rows) => Option.fromNullable(rows[0])),
            wrapSql("mfa.renameCredential")
          ),
        deleteCredential: (userId, id) =>
          Effect.gen(function* () {
            const gone = yield* sql`DELETE FROM webauthn_credentials WHERE id = ${id} AND user_id = ${userId} RETURNING 1 AS hit`.pipe(hit)
            yield* offWithoutFactor(userId)
            return gone
          }).pipe(sql.withTransaction, wrapSql("mfa.deleteCredential"))
      }
    })
  )
}
