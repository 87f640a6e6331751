/** SQL of the `sessions` table. Tokens arrive here only as sha-256 digests. */
import { SqlClient } from "@effect/sql"
import { type DatabaseError, Role, SessionId, UserId } from "@mediaserver/domain"
import { Context, Effect, Layer, Option, Schema } from "effect"
import { decodeRows, wrapSql } from "../db/Sql.js"

const SessionRow = Schema.Struct({
  id: SessionId,
  user_id: UserId,
  access_hash: Schema.String,
  device: Schema.NullOr(Schema.String),
  user_agent: Schema.NullOr(Schema.String),
  ip: Schema.NullOr(Schema.String),
  created_at: Schema.DateFromSelf,
  last_seen_at: Schema.DateFromSelf,
  access_expires_at: Schema.DateFromSelf,
  expires_at: Schema.DateFromSelf
})
export type SessionRow = typeof SessionRow.Type

/** A session with what authentication needs of its user. */
const SessionAuthRow = Schema.Struct({
  ...SessionRow.fields,
  username: Schema.String,
  role: Role
})
export type SessionAuthRow = typeof SessionAuthRow.Type

const decodeSessions = decodeRows(SessionRow)
const decodeAuth = decodeRows(SessionAuthRow)
const Hash = Schema.Struct({ access_hash: Schema.String })
const decodeHashes = decodeRows(Hash)
const Rotated = Schema.Struct({ ...SessionAuthRow.fields, old_access_hash: Schema.String })
const decodeRotated = decodeRows(Rotated)

export interface NewSession {
  readonly id: SessionId
  readonly userId: UserId
  readonly accessHash: string
  readonly refreshHash: string
  readonly device: string | null
  readonly userAgent: string | null
  readonly ip: string | null
  readonly accessExpiresAt: Date
  readonly expiresAt: Date
}

export interface Rotation {
  readonly refreshHash: string
  readonly newAccessHash: string
  readonly newRefreshHash: string
  readonly accessExpiresAt: Date
  /** Sessions last seen before this are idle-expired and cannot be refreshed. */
  readonly idleCutoff: Date
}

export class SessionsRepo extends Context.Tag("@mediaserver/auth/SessionsRepo")<
  SessionsRepo,
  {
    readonly create: (session: NewSession) => Effect.Effect<void, DatabaseError>
    readonly findByAccessHash: (hash: string) => Effect.Effect<Option.Option<SessionAuthRow>, DatabaseError>
    /** Swaps both tokens of a live session in one statement; the old access digest comes back. */
    readonly rotate: (rotation: Rotation) => Effect.Effect<Option.Option<typeof Rotated.Type>, DatabaseError>
    readonly list: (userId: UserId) => Effect.Effect<ReadonlyArray<SessionRow>, DatabaseError>
    readonly find: (userId: UserId, id: string) => Effect.Effect<Option.Option<SessionRow>, DatabaseError>
    /** Deletes the user's sessions (one, all, or all but `except`); returns their access digests. */
    readonly delete: (
      userId: UserId,
      which: { readonly only?: string; readonly except?: string }
    ) => Effect.Effect<ReadonlyArray<string>, DatabaseError>
    readonly touch: (seen: ReadonlyArray<readonly [string, Date]>) => Effect.Effect<void, DatabaseError>
    /** Deletes all but the user's `keep` newest sessions; returns their access digests. */
    readonly keepNewest: (userId: UserId, keep: number) => Effect.Effect<ReadonlyArray<string>, DatabaseError>
  }
>() {
  static readonly layer = Layer.effect(
    SessionsRepo,
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      return {
        create: (s) =>
          sql`
            INSERT INTO sessions (id, user_id, access_hash, refresh_hash, device, user_agent, ip, access_expires_at, expires_at)
            VALUES (${s.id}, ${s.userId}, ${s.accessHash}, ${s.refreshHash}, ${s.device}, ${s.userAgent}, ${s.ip},
              ${s.accessExpiresAt}, ${s.expiresAt})
          `.pipe(Effect.asVoid, wrapSql("sessions.create")),
        findByAccessHash: (hash) =>
          sql`
            SELECT s.*, u.username, u.role FROM sessions s JOIN users u ON u.id = s.user_id
            WHERE s.access_hash = ${hash}
          `.pipe(Effect.flatMap(decodeAuth), Effect.map((rows) => Option.fromNullable(rows[0])), wrapSql("sessions.findByAccessHash")),
        rotate: (r) =>
          sql`
            WITH old AS (
              SELECT id, access_hash FROM sessions
              WHERE refresh_hash = ${r.refreshHash} AND expires_at > now() AND last_seen_at > ${r.idleCutoff}
              FOR UPDATE
            )
            UPDATE sessions s SET
              access_hash = ${r.newAccessHash},
              refresh_hash = ${r.newRefreshHash},
              access_expires_at = LEAST(${r.accessExpiresAt}::timestamptz, s.expires_at),
              last_seen_at = now()
            FROM old, users u
            WHERE s.id = old.id AND u.id = s.user_id
            RETURNING s.*, u.username, u.role, old.access_hash AS old_access_hash
          `.pipe(Effect.flatMap(decodeRotated), Effect.map((rows) => Option.fromNullable(rows[0])), wrapSql("sessions.rotate")),
        list: (userId) =>
          sql`SELECT * FROM sessions WHERE user_id = ${userId} AND expires_at > now() ORDER BY last_seen_at DESC`.pipe(
            Effect.flatMap(decodeSessions),
            wrapSql("sessions.list")
          ),
        find: (userId, id) =>
          sql`SELECT * FROM sessions WHERE user_id = ${userId} AND id = ${id}`.pipe(
            Effect.flatMap(decodeSessions),
            Effect.map((rows) => Option.fromNullable(rows[0])),
            wrapSql("sessions.find")
          ),
        delete: (userId, which) =>
          sql`
            DELETE FROM sessions WHERE user_id = ${userId}
              ${which.only === undefined ? sql`` : sql`AND id = ${which.only}`}
              ${which.except === undefined ? sql`` : sql`AND id <> ${which.except}`}
            RETURNING access_hash
          `.pipe(Effect.flatMap(decodeHashes), Effect.map((rows) => rows.map((row) => row.access_hash)), wrapSql("sessions.delete")),
        keepNewest: (userId, keep) =>
          sql`
            DELETE FROM sessions WHERE id IN (
              SELECT id FROM sessions WHERE user_id = ${userId} ORDER BY created_at DESC, id DESC OFFSET ${keep}
            )
            RETURNING access_hash
          `.pipe(Effect.flatMap(decodeHashes), Effect.map((rows) => rows.map((row) => row.access_hash)), wrapSql("sessions.keepNewest")),
        touch: (seen) =>
          seen.length === 0
            ? Effect.void
            : sql`
                UPDATE sessions s SET last_seen_at = v.ts
                FROM jsonb_to_recordset(${JSON.stringify(seen.map(([id, at]) => ({ id, ts: at.toISOString() })))}::jsonb)
                  AS v(id uuid, ts timestamptz)
                WHERE s.id = v.id AND s.last_seen_at < v.ts
              `.pipe(Effect.asVoid, wrapSql("sessions.touch"))
      }
    })
  )
}
