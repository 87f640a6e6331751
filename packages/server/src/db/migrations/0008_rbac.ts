import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/**
 * Roles and their permissions, and the custom roles of users (a user's built-in role stays
 * `users.role`). The built-in roles are rows too, so their permissions are data; the lists below are
 * the ones they start with (a migration never changes with the code).
 */
const BUILTIN: ReadonlyArray<readonly [string, string, ReadonlyArray<string>]> = [
  ["admin", "Administers the server", ["media:read", "media:write", "playback:use", "apikeys:write", "users:read", "users:write", "system:admin"]],
  ["user", "Watches media and manages their own API keys", ["media:read", "playback:use", "apikeys:write"]],
  ["guest", "Watches media", ["media:read", "playback:use"]]
]

export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql`
    CREATE TABLE roles (
      name text PRIMARY KEY,
      description text NOT NULL DEFAULT '',
      builtin boolean NOT NULL DEFAULT false,
      created_at timestamptz NOT NULL DEFAULT now()
    )
  `
  yield* sql`
    CREATE TABLE role_permissions (
      role text NOT NULL REFERENCES roles (name) ON DELETE CASCADE,
      permission text NOT NULL,
      PRIMARY KEY (role, permission)
    )
  `
  yield* sql`
    CREATE TABLE user_roles (
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      role text NOT NULL REFERENCES roles (name) ON DELETE CASCADE,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (user_id, role)
    )
  `
  yield* sql`CREATE INDEX user_roles_role ON user_roles (role)`
  for (const [name, description, permissions] of BUILTIN) {
    yield* sql`INSERT INTO roles (name, description, builtin) VALUES (${name}, ${description}, true)`
    for (const permission of permissions) {
      yield* sql`INSERT INTO role_permissions (role, permission) VALUES (${name}, ${permission})`
    }
  }
})
