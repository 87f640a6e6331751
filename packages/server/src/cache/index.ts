/**
 * # Caching rules
 *
 * Every cached read goes through `CacheAside.make` (one helper; no service writes its own cache).
 * L1 is per process (lru-cache, bounded per namespace, TTL per entry); L2 is Redis when REDIS_URL is
 * set. Invalidation is O(1): by key (a short tombstone in L2 plus a pub/sub message), by tag or by
 * namespace (a generation bump). Every node's L1 drops the entry within milliseconds; a node that
 * reconnects to Redis forgets its L1, since it may have missed messages.
 *
 * Choosing TTLs: L1 short (seconds to a minute: it is the window a node can serve a value whose
 * invalidation it missed while Redis was down), L2 longer (minutes). A "not found" may be cached
 * with `notFoundTtl` (default 10 s). TTLs are capped at one day.
 *
 * | namespace | what                     | key        | tags          | TTL L1 / L2 | invalidated by                     |
 * |-----------|--------------------------|------------|---------------|-------------|------------------------------------|
 * | auth-session | session by access token | sha-256 of the token | - | 30 s / 10 min | refresh, logout, revoke, password change, user delete |
 * | auth-apikey  | API key by lookup prefix | key prefix | - | 30 s / 10 min | revoke, user delete |
 * | rbac-enforce | a user's built-in role, custom roles and permissions | user id | - | 30 s / 10 min | role assign/remove (that user); role permissions, policies, role delete (namespace) |
 * | user | the public User by id | user id | - | 30 s / 10 min | profile/email update, email verified, avatar, built-in role change, delete |
 * | settings-server | server settings of a category (or all) | `server\|<category or *>` | - | 30 s / 10 min | server setting write |
 * | settings-user | a user's settings of a category (or all: preferences) | `<user id>\|<category or *>` | - | 30 s / 10 min | user setting write/reset, preferences update |
 * | mfa-login | a password login waiting for its second factor (put/take, single use) | sha-256 of the MFA token | - | MFA_CHALLENGE_TTL | completion (take) |
 * | webauthn-challenge | the challenge of a WebAuthn ceremony (put/take) | `reg:<user id>` / `login:<MFA token digest>` | - | MFA_CHALLENGE_TTL | finish (take) |
 * | oidc-state | PKCE verifier, nonce, provider (and user to link) of a sign-on (put/take) | the state | - | OIDC_STATE_TTL | callback (take) |
 * | oidc-discovery | a provider's discovery document | issuer URL | - | OIDC_DISCOVERY_TTL | provider update |
 * | oidc-providers | the enabled providers (login page, authorize, callback) | `enabled` | `oidc-providers` | 30 s / 10 min | any admin change of a provider (tag) |
 *
 * | libraries / library-access | the library list; a user's grants | `all` / user id | `user:<id>` | 30 s / 10 min | library writes; grant/revoke |
 * | content-movie / content-series | details (cast, crew, genres, files; seasons) | item id | `movie:<id>` / `series:<id>` | 1 min / 10 min | contentChanged (metadata), scans and probes (namespace) |
 * | content-series-episodes | a series' episodes | series id | `series:<id>` | 1 min / 10 min | as above |
 * | content-collection | a collection and its movies | collection id | `collection:<id>` | 1 min / 10 min | as above |
 * | content-movie-lists / content-series-lists | listing pages | access set + query (+ user with `watched`) | `watch:<user>` with `watched` | 30 s / 5 min | any content change (namespace); watch writes |
 * | content-episode, content-season-ref, content-movie-similar, content-genres, content-episodes-dated | episode details, season -> series, similar titles, genre counts, recent/upcoming | id / access set | - | 1 min / 5-60 min | any content change (namespace) |
 * | watch-* (continue, history, stats, next episode, series stats) | per-user answers | user + access set (+ series) | `watch:<user>` | 30 s / 10 min | that user's progress/watched writes; any content change |
 * | search-movies, search-series, search-facets, search-suggest, search-multi | search answers | access set + query | `search:<library>` per library of the access set (`search:*` for every library) | 30 s / 5 min | a change of that library's content (scan, probe, refresh, edit); a renamed person or a reindex drops the namespaces |
 * | arr-item-ids | a library's movie or series by TMDb / IMDb / TVDb id (*arr webhooks) | library + kind + ids | - | 1 min / 10 min (not found: 2 s) | any content change (namespace) |
 * | playback-session | a session row for its stream requests (the policy is still checked on each) | session id | `playback-session:<id>` | 10 s / 1 min | the session's stop (entity or health job) |
 *
 * Rows to come with their issues: metadata provider responses, image variants.
 */
export * as CacheAside from "./CacheAside.js"
export { CacheStore, type CacheStoreShape, makeCacheStore } from "./CacheStore.js"
