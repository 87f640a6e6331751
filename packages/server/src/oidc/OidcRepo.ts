/** SQL of OIDC providers and of the links between users and provider accounts. */
import { SqlClient, type Statement } from "@effect/sql"
import { ClaimMapping, type DatabaseError, type Conflict, GroupRoles, OidcProviderId, type Role, UserId } from "@mediaserver/domain"
import { Context, Effect, Layer, Option, Schema } from "effect"
import { decodeRows, firstRow, jsonb, optionalRow as first, wrapSql, wrapSqlUnique } from "../db/Sql.js"

export const ProviderRow = Schema.Struct({
  id: OidcProviderId,
  slug: Schema.String,
  name: Schema.String,
  issuer: Schema.String,
  client_id: Schema.String,
  /** Sealed (SecretBox). */
  client_secret: Schema.NullOr(Schema.String),
  scopes: Schema.Array(Schema.String),
  claims: ClaimMapping,
  group_roles: GroupRoles,
  auto_create: Schema.Boolean,
  enabled: Schema.Boolean,
  is_default: Schema.Boolean,
  created_at: Schema.DateFromSelf
})
export type ProviderRow = typeof ProviderRow.Type

const LinkRow = Schema.Struct({
  provider_id: OidcProviderId,
  slug: Schema.String,
  provider_name: Schema.String,
  subject: Schema.String,
  user_id: UserId,
  email: Schema.NullOr(Schema.String),
  created_at: Schema.DateFromSelf
})
export type LinkRow = typeof LinkRow.Type

const decodeProviders = decodeRows(ProviderRow)
const decodeLinks = decodeRows(LinkRow)

export interface ProviderFields {
  readonly name: string
  readonly issuer: string
  readonly clientId: string
  readonly clientSecret: string | null
  readonly scopes: ReadonlyArray<string>
  readonly claims: ClaimMapping
  readonly groupRoles: Readonly<Record<string, Role>>
  readonly autoCreate: boolean
}

const UNIQUE_SLUG = { oidc_providers_slug_key: "slug" }
const UNIQUE_LINK = { oidc_links_pkey: "subject", oidc_links_one_per_user: "provider" }

export class OidcRepo extends Context.Tag("@mediaserver/oidc/OidcRepo")<
  OidcRepo,
  {
    readonly list: Effect.Effect<ReadonlyArray<ProviderRow>, DatabaseError>
    readonly find: (id: OidcProviderId) => Effect.Effect<Option.Option<ProviderRow>, DatabaseError>
    readonly findBySlug: (slug: string) => Effect.Effect<Option.Option<ProviderRow>, DatabaseError>
    readonly insert: (id: OidcProviderId, slug: string, fields: ProviderFields, enabled: boolean) => Effect.Effect<ProviderRow, DatabaseError | Conflict>
    readonly update: (id: OidcProviderId, fields: ProviderFields) => Effect.Effect<Option.Option<ProviderRow>, DatabaseError>
    readonly delete: (id: OidcProviderId) => Effect.Effect<boolean, DatabaseError>
    readonly setEnabled: (id: OidcProviderId, enabled: boolean) => Effect.Effect<Option.Option<ProviderRow>, DatabaseError>
    /** Makes it the one default provider. */
    readonly setDefault: (id: OidcProviderId) => Effect.Effect<Option.Option<ProviderRow>, DatabaseError>
    readonly links: (userId: UserId) => Effect.Effect<ReadonlyArray<LinkRow>, DatabaseError>
    readonly findLink: (providerId: OidcProviderId, subject: string) => Effect.Effect<Option.Option<LinkRow>, DatabaseError>
    /** Conflict: the provider account is linked to someone, or this user has a link to the provider. */
    readonly insertLink: (providerId: OidcProviderId, subject: string, userId: UserId, email: string | null) => Effect.Effect<LinkRow, DatabaseError | Conflict>
    readonly touchLink: (providerId: OidcProviderId, subject: string) => Effect.Effect<void, DatabaseError>
    /**
     * Removes the link unless it is the user's last way to sign in (no password, no other link):
     * decided and done under the user's row lock, so concurrent unlinks cannot both pass the check.
     */
    readonly unlink: (userId: UserId, providerId: OidcProviderId, noPassword: string) => Effect.Effect<"unlinked" | "not_linked" | "last", DatabaseError>
  }
>() {
  static readonly layer = Layer.effect(
    OidcRepo,
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      const providers = (where: Statement.Fragment) => sql`SELECT * FROM oidc_providers ${where}`.pipe(Effect.flatMap(decodeProviders))
      const linkSelect = sql`
        SELECT l.provider_id, p.slug, p.name AS provider_name, l.subject, l.user_id, l.email, l.created_at
        FROM oidc_links l JOIN oidc_providers p ON p.id = l.provider_id
      `
      const textArray = (values: ReadonlyArray<string>) => sql`ARRAY(SELECT jsonb_array_elements_text(${jsonb(values)}::jsonb))`
      return {
        list: providers(sql`ORDER BY name, id`).pipe(wrapSql("oidc.list")),
        find: (id) => providers(sql`WHERE id = ${id}`).pipe(Effect.map(first), wrapSql("oidc.find")),
        findBySlug: (slug) => providers(sql`WHERE slug = ${slug}`).pipe(Effect.map(first), wrapSql("oidc.findBySlug")),
        insert: (id, slug, f, enabled) =>
          sql`
            INSERT INTO oidc_providers (id, slug, name, issuer, client_id, client_secret, scopes, claims, group_roles, auto_create, enabled)
            VALUES (${id}, ${slug}, ${f.name}, ${f.issuer}, ${f.clientId}, ${f.clientSecret}, ${textArray(f.scopes)},
              ${jsonb(f.claims)}::jsonb, ${jsonb(f.groupRoles)}::jsonb, ${f.autoCreate}, ${enabled})
            RETURNING *
          `.pipe(Effect.flatMap(decodeProviders), Effect.flatMap(firstRow("oidc.insert")), wrapSqlUnique("oidc.insert", UNIQUE_SLUG)),
        update: (id, f) =>
          sql`
            UPDATE oidc_providers SET name = ${f.name}, issuer = ${f.issuer}, client_id = ${f.clientId},
              client_secret = ${f.clientSecret}, scopes = ${textArray(f.scopes)}, claims = ${jsonb(f.claims)}::jsonb,
              group_roles = ${jsonb(f.groupRoles)}::jsonb, auto_create = ${f.autoCreate}, updated_at = now()
            WHERE id = ${id} RETURNING *
          `.pipe(Effect.flatMap(decodeProviders), Effect.map(first), wrapSql("oidc.update")),
        delete: (id) =>
          sql`DELETE FROM oidc_providers WHERE id = ${id} RETURNING *`.pipe(
            Effect.flatMap(decodeProviders),
            Effect.map((rows) => rows.length > 0),
            wrapSql("oidc.delete")
          ),
        setEnabled: (id, enabled) =>
          sql`UPDATE oidc_providers SET enabled = ${enabled}, updated_at = now() WHERE id = ${id} RETURNING *`.pipe(
            Effect.flatMap(decodeProviders),
            Effect.map(first),
            wrapSql("oidc.setEnabled")
          ),
        setDefault: (id) =>
          Effect.zipRight(
            sql`UPDATE oidc_providers SET is_default = false WHERE is_default AND id <> ${id}`,
            sql`UPDATE oidc_providers SET is_default = true, updated_at = now() WHERE id = ${id} RETURNING *`.pipe(Effect.flatMap(decodeProviders))
          ).pipe(sql.withTransaction, Effect.map(first), wrapSql("oidc.setDefault")),
        links: (userId) =>
          sql`${linkSelect} WHERE l.user_id = ${userId} ORDER BY l.created_at`.pipe(Effect.flatMap(decodeLinks), wrapSql("oidc.links")),
        findLink: (providerId, subject) =>
          sql`${linkSelect} WHERE l.provider_id = ${providerId} AND l.subject = ${subject}`.pipe(
            Effect.flatMap(decodeLinks),
            Effect.map(first),
            wrapSql("oidc.findLink")
          ),
        insertLink: (providerId, subject, userId, email) =>
          Effect.zipRight(
            sql`INSERT INTO oidc_links (provider_id, subject, user_id, email) VALUES (${providerId}, ${subject}, ${userId}, ${email})`,
            sql`${linkSelect} WHERE l.provider_id = ${providerId} AND l.subject = ${subject}`.pipe(Effect.flatMap(decodeLinks))
          ).pipe(Effect.flatMap(firstRow("oidc.insertLink")), wrapSqlUnique("oidc.insertLink", UNIQUE_LINK)),
        touchLink: (providerId, subject) =>
          sql`UPDATE oidc_links SET last_login_at = now() WHERE provider_id = ${providerId} AND subject = ${subject}`.pipe(
            Effect.asVoid,
            wrapSql("oidc.touchLink")
          ),
        unlink: (userId, providerId, noPassword) =>
          Effect.gen(function* () {
            yield* sql`SELECT 1 FROM users WHERE id = ${userId} FOR UPDATE`
            // A new statement after the lock: it sees what the unlink before it committed.
            const deleted = yield* sql`
              DELETE FROM oidc_links WHERE user_id = ${userId} AND provider_id = ${providerId} AND (
                EXISTS (SELECT 1 FROM users WHERE id = ${userId} AND password_hash <> ${noPassword})
                OR EXISTS (SELECT 1 FROM oidc_links WHERE user_id = ${userId} AND provider_id <> ${providerId}))
              RETURNING subject
            `
            if (deleted.length > 0) return "unlinked"
            const kept = yield* sql`SELECT 1 FROM oidc_links WHERE user_id = ${userId} AND provider_id = ${providerId}`
            return kept.length > 0 ? "last" : "not_linked"
          }).pipe(sql.withTransaction, wrapSql("oidc.unlink"))
      }
    })
  )
}
