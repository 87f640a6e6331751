import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { missingOperations } from "../support/ServedOperations.js"
import { startServerWithDatabase } from "@mediaserver/testkit/TestServer"

/** The identity, settings, users and RBAC operations of the reference (api-operations.txt). */
const REFERENCE = `
POST /api/v1/auth/register
POST /api/v1/auth/login
POST /api/v1/auth/logout
POST /api/v1/auth/refresh
POST /api/v1/auth/verify-email
POST /api/v1/auth/resend-verification
POST /api/v1/auth/forgot-password
POST /api/v1/auth/reset-password
POST /api/v1/auth/change-password
GET /api/v1/settings/server
GET /api/v1/settings/server/{key}
PUT /api/v1/settings/server/{key}
GET /api/v1/settings/user
GET /api/v1/settings/user/{key}
PUT /api/v1/settings/user/{key}
DELETE /api/v1/settings/user/{key}
GET /api/v1/users/me
PUT /api/v1/users/me
GET /api/v1/users/me/preferences
PUT /api/v1/users/me/preferences
POST /api/v1/users/me/avatar
GET /api/v1/users/{userId}
GET /api/v1/rbac/policies
POST /api/v1/rbac/policies
DELETE /api/v1/rbac/policies
GET /api/v1/rbac/users/{userId}/roles
POST /api/v1/rbac/users/{userId}/roles
DELETE /api/v1/rbac/users/{userId}/roles/{role}
GET /api/v1/rbac/roles
POST /api/v1/rbac/roles
GET /api/v1/rbac/roles/{roleName}
DELETE /api/v1/rbac/roles/{roleName}
PUT /api/v1/rbac/roles/{roleName}/permissions
GET /api/v1/rbac/permissions
GET /api/v1/admin/users
DELETE /api/v1/admin/users/{userId}
`

describe("reference operations", () => {
  it.scopedLive("every identity operation of the reference is in the OpenAPI document", () =>
    Effect.gen(function* () {
      const { url } = yield* startServerWithDatabase()
      expect(yield* missingOperations(url, REFERENCE)).toEqual([])
    }))
})
