/**
 * Administration of OIDC providers: CRUD (the client secret sealed with SecretBox, never shown),
 * enable/disable, the default; and the public list of enabled providers for the login page.
 */
import {
  type Conflict,
  type CreateOidcProvider,
  type DatabaseError,
  DEFAULT_CLAIMS,
  DEFAULT_SCOPES,
  type NotFound,
  OidcProvider,
  OidcProviderId,
  OidcProviderSummary,
  type Principal,
  type UpdateOidcProvider
} from "@mediaserver/domain"
import { Context, DateTime, Effect, Layer, Option } from "effect"
import { randomUUID } from "node:crypto"
import { ActivityLog } from "../activity/ActivityLog.js"
import { SecretBox } from "../auth/SecretBox.js"
import { EnabledProviders, noProvider } from "./EnabledProviders.js"
import { OidcClients } from "./OidcClients.js"
import { type ProviderRow, OidcRepo } from "./OidcRepo.js"

export const toProvider = (row: ProviderRow) =>
  new OidcProvider({
    id: row.id,
    slug: row.slug,
    name: row.name,
    issuer: row.issuer,
    clientId: row.client_id,
    hasClientSecret: row.client_secret !== null,
    scopes: row.scopes,
    claims: row.claims,
    groupRoles: row.group_roles,
    autoCreateUsers: row.auto_create,
    enabled: row.enabled,
    isDefault: row.is_default,
    createdAt: DateTime.unsafeFromDate(row.created_at)
  })


type Failure = NotFound | Conflict | DatabaseError

export class OidcProviders extends Context.Tag("@mediaserver/oidc/OidcProviders")<
  OidcProviders,
  {
    readonly list: Effect.Effect<ReadonlyArray<OidcProvider>, DatabaseError>
    readonly summaries: Effect.Effect<ReadonlyArray<OidcProviderSummary>, DatabaseError>
    readonly get: (id: OidcProviderId) => Effect.Effect<OidcProvider, Failure>
    readonly create: (actor: Principal, request: CreateOidcProvider) => Effect.Effect<OidcProvider, Failure>
    readonly update: (actor: Principal, id: OidcProviderId, changes: UpdateOidcProvider) => Effect.Effect<OidcProvider, Failure>
    readonly delete: (actor: Principal, id: OidcProviderId) => Effect.Effect<void, Failure>
    readonly setEnabled: (actor: Principal, id: OidcProviderId, enabled: boolean) => Effect.Effect<OidcProvider, Failure>
    readonly setDefault: (actor: Principal, id: OidcProviderId) => Effect.Effect<OidcProvider, Failure>
  }
>() {
  static readonly layer = Layer.effect(
    OidcProviders,
    Effect.gen(function* () {
      const repo = yield* OidcRepo
      const box = yield* SecretBox
      const clients = yield* OidcClients
      const activity = yield* ActivityLog
      const enabled = yield* EnabledProviders

      const found = (id: OidcProviderId) => (row: Option.Option<ProviderRow>) =>
        Option.match(row, { onNone: () => Effect.fail(noProvider(id)), onSome: (r) => Effect.succeed(toProvider(r)) })
      const existing = (id: OidcProviderId) =>
        Effect.flatMap(repo.find(id), Option.match({ onNone: () => Effect.fail(noProvider(id)), onSome: Effect.succeed }))
      // Every admin change passes here: the public reads' cache is dropped with it.
      const changed = (actor: Principal, id: OidcProviderId, details: Record<string, unknown>) =>
        Effect.zipRight(
          enabled.changed,
          activity.record({ action: "oidc.provider_changed", userId: actor.userId, resourceType: "oidc_provider", resourceId: id, details })
        )

      return {
        list: Effect.map(repo.list, (rows) => rows.map(toProvider)),
        summaries: Effect.map(enabled.all, (rows) =>
          rows.map((row) =>
            new OidcProviderSummary({ slug: row.slug, name: row.name, isDefault: row.is_default, loginUrl: `/api/v1/oidc/auth/${row.slug}` }))),
        get: (id) => Effect.flatMap(repo.find(id), found(id)),
        create: (actor, request) =>
          Effect.gen(function* () {
            const id = OidcProviderId.make(randomUUID())
            const row = yield* repo.insert(id, request.slug, {
              name: request.name,
              issuer: request.issuer,
              clientId: request.clientId,
              clientSecret: request.clientSecret === undefined ? null : box.seal(request.clientSecret),
              scopes: request.scopes ?? DEFAULT_SCOPES,
              claims: request.claims ?? DEFAULT_CLAIMS,
              groupRoles: request.groupRoles ?? {},
              autoCreate: request.autoCreateUsers ?? true
            }, request.enabled ?? true)
            yield* changed(actor, id, { created: request.slug })
            return toProvider(row)
          }),
        update: (actor, id, changes) =>
          Effect.gen(function* () {
            const row = yield* existing(id)
            const updated = yield* repo.update(id, {
              name: changes.name ?? row.name,
              issuer: changes.issuer ?? row.issuer,
              clientId: changes.clientId ?? row.client_id,
              clientSecret: changes.clientSecret === undefined
                ? row.client_secret
                : changes.clientSecret === null ? null : box.seal(changes.clientSecret),
              scopes: changes.scopes ?? row.scopes,
              claims: changes.claims ?? row.claims,
              groupRoles: changes.groupRoles ?? row.group_roles,
              autoCreate: changes.autoCreateUsers ?? row.auto_create
            })
            yield* clients.forget(row.issuer)
            yield* changed(actor, id, { updated: Object.keys(changes).filter((key) => key !== "clientSecret" || changes.clientSecret !== undefined) })
            return yield* found(id)(updated)
          }),
        delete: (actor, id) =>
          Effect.gen(function* () {
            if (!(yield* repo.delete(id))) return yield* noProvider(id)
            yield* changed(actor, id, { deleted: true })
          }),
        setEnabled: (actor, id, enabled) =>
          Effect.tap(Effect.flatMap(repo.setEnabled(id, enabled), found(id)), () => changed(actor, id, { enabled })),
        setDefault: (actor, id) =>
          Effect.tap(Effect.flatMap(repo.setDefault(id), found(id)), () => changed(actor, id, { default: true }))
      }
    })
  )
}
