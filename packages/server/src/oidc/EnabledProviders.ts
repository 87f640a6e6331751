/**
 * The enabled OIDC providers, read by every public request (login page list, authorize, callback):
 * cached through CacheAside (`oidc-providers`, one entry tagged `oidc-providers`); every admin change
 * of a provider invalidates the tag, on every node.
 */
import { type DatabaseError, NotFound } from "@mediaserver/domain"
import { Context, Effect, Layer, Option, Schema } from "effect"
import { CacheAside, CacheStore } from "../cache/index.js"
import { OidcRepo, ProviderRow } from "./OidcRepo.js"

export const noProvider = (name: string) => new NotFound({ message: `No OIDC provider ${name}`, details: { field: "provider" } })

/** As stored in the cache: JSON, so the date travels as a string. */
const Cached = Schema.Array(Schema.Struct({ ...ProviderRow.fields, created_at: Schema.Date }))
const TAG = "oidc-providers"
const KEY = "enabled"

export class EnabledProviders extends Context.Tag("@mediaserver/oidc/EnabledProviders")<
  EnabledProviders,
  {
    readonly all: Effect.Effect<ReadonlyArray<ProviderRow>, DatabaseError>
    /** NotFound for an unknown or disabled provider. */
    readonly bySlug: (slug: string) => Effect.Effect<ProviderRow, NotFound | DatabaseError>
    /** After any admin change of a provider. */
    readonly changed: Effect.Effect<void>
  }
>() {
  static readonly layer = Layer.scoped(
    EnabledProviders,
    Effect.gen(function* () {
      const repo = yield* OidcRepo
      const store = yield* CacheStore
      const cache = yield* CacheAside.make({
        namespace: "oidc-providers",
        schema: Cached,
        ttl: { l1: "30 seconds", l2: "10 minutes" },
        tags: () => [TAG]
      })
      const all = cache.get(KEY, Effect.map(repo.list, (rows) => rows.filter((row) => row.enabled)))
      return {
        all,
        bySlug: (slug) =>
          Effect.flatMap(all, (rows) =>
            Option.match(Option.fromNullable(rows.find((row) => row.slug === slug)), {
              onNone: () => Effect.fail(noProvider(slug)),
              onSome: Effect.succeed
            })),
        changed: store.invalidateTag(TAG)
      }
    })
  )
}
