import { FetchHttpClient } from "@effect/platform"
import { RpcClient, RpcSerialization } from "@effect/rpc"
import { describe, expect, it } from "@effect/vitest"
import { Forbidden, RbacRpcs, UserId } from "@mediaserver/domain"
import { Duration, Effect, Layer } from "effect"
import { account, request, twoNodes } from "@mediaserver/testkit/Http"
import { eventually } from "@mediaserver/testkit/Poll"
import { startServerWithDatabase } from "@mediaserver/testkit/TestServer"

describe("rbac", () => {
  it.scopedLive("every operation is admin only: 401 anonymous, 403 user", () =>
    Effect.gen(function* () {
      const { url } = yield* startServerWithDatabase()
      const admin = yield* account(url, "root")
      const user = yield* account(url, "plain")
      const operations = [
        ["GET", "/api/v1/rbac/permissions", undefined],
        ["GET", "/api/v1/rbac/roles", undefined],
        ["POST", "/api/v1/rbac/roles", { name: "x1", permissions: [] }],
        ["GET", "/api/v1/rbac/roles/user", undefined],
        ["DELETE", "/api/v1/rbac/roles/x1", undefined],
        ["PUT", "/api/v1/rbac/roles/user/permissions", { permissions: [] }],
        ["GET", `/api/v1/rbac/users/${user.user.id}/roles`, undefined],
        ["POST", `/api/v1/rbac/users/${user.user.id}/roles`, { role: "admin" }],
        ["DELETE", `/api/v1/rbac/users/${admin.user.id}/roles/admin`, undefined],
        ["GET", "/api/v1/rbac/policies", undefined],
        ["POST", "/api/v1/rbac/policies", { role: "user", permission: "users:read" }],
        ["DELETE", "/api/v1/rbac/policies?role=user&permission=media:read", undefined]
      ] as const
      for (const [method, path, body] of operations) {
        expect((yield* request(url, method, path, { body })).status, `${method} ${path} anonymous`).toBe(401)
        const refused = yield* request(url, method, path, { body, auth: user.auth })
        expect(refused.status, `${method} ${path} as user`).toBe(403)
      }
      // Nothing changed.
      expect((yield* request(url, "GET", `/api/v1/rbac/users/${user.user.id}/roles`, { auth: admin.auth })).body).toMatchObject({ role: "user", roles: ["user"] })
      const permissions = yield* request(url, "GET", "/api/v1/rbac/permissions", { auth: admin.auth })
      expect(permissions.body).toContainEqual({ name: "users:read", description: "See other users" })
      const roles = yield* request(url, "GET", "/api/v1/rbac/roles", { auth: admin.auth })
      expect(roles.body).toEqual([
        expect.objectContaining({ name: "admin", builtin: true }),
        expect.objectContaining({ name: "guest", builtin: true, permissions: ["media:read", "playback:use"] }),
        expect.objectContaining({ name: "user", builtin: true })
      ])
    }))

  it.scopedLive("custom roles and permission changes apply to live sessions at once", () =>
    Effect.gen(function* () {
      const { url } = yield* startServerWithDatabase()
      const admin = yield* account(url, "ada")
      const bob = yield* account(url, "bob")
      const readAda = request(url, "GET", `/api/v1/users/${admin.user.id}`, { auth: bob.auth })
      expect((yield* readAda).status).toBe(403)

      const created = yield* request(url, "POST", "/api/v1/rbac/roles", {
        auth: admin.auth,
        body: { name: "auditor", description: "Reads users", permissions: ["users:read"] }
      })
      expect(created.status).toBe(201)
      expect(created.body).toEqual({ name: "auditor", description: "Reads users", builtin: false, permissions: ["users:read"] })
      const duplicate = yield* request(url, "POST", "/api/v1/rbac/roles", { auth: admin.auth, body: { name: "auditor", permissions: [] } })
      expect(duplicate.status).toBe(409)
      expect(duplicate.body).toMatchObject({ details: { field: "name" } })
      const badName = yield* request(url, "POST", "/api/v1/rbac/roles", { auth: admin.auth, body: { name: "Bad Name", permissions: [] } })
      expect(badName.status).toBe(400)
      const badPermission = yield* request(url, "POST", "/api/v1/rbac/roles", { auth: admin.auth, body: { name: "odd", permissions: ["fly:away"] } })
      expect(badPermission.status).toBe(400)

      const assigned = yield* request(url, "POST", `/api/v1/rbac/users/${bob.user.id}/roles`, { auth: admin.auth, body: { role: "auditor" } })
      expect(assigned.body).toMatchObject({ role: "user", roles: ["user", "auditor"], permissions: expect.arrayContaining(["users:read"]) })
      expect((yield* readAda).status).toBe(200)

      // The role loses the permission: refused again, without the session changing.
      expect((yield* request(url, "PUT", "/api/v1/rbac/roles/auditor/permissions", { auth: admin.auth, body: { permissions: [] } })).status).toBe(200)
      expect((yield* readAda).status).toBe(403)
      expect((yield* request(url, "POST", "/api/v1/rbac/policies", { auth: admin.auth, body: { role: "auditor", permission: "users:read" } })).status).toBe(201)
      expect((yield* request(url, "GET", "/api/v1/rbac/policies", { auth: admin.auth })).body).toContainEqual({ role: "auditor", permission: "users:read" })
      expect((yield* readAda).status).toBe(200)
      expect((yield* request(url, "DELETE", "/api/v1/rbac/policies?role=auditor&permission=users:read", { auth: admin.auth })).status).toBe(204)
      expect((yield* readAda).status).toBe(403)
      expect((yield* request(url, "POST", "/api/v1/rbac/policies", { auth: admin.auth, body: { role: "auditor", permission: "users:read" } })).status).toBe(201)
      expect((yield* readAda).status).toBe(200)

      const removed = yield* request(url, "DELETE", `/api/v1/rbac/users/${bob.user.id}/roles/auditor`, { auth: admin.auth })
      expect(removed.status).toBe(204)
      expect((yield* request(url, "GET", `/api/v1/rbac/users/${bob.user.id}/roles`, { auth: admin.auth })).body).toMatchObject({ roles: ["user"] })
      expect((yield* readAda).status).toBe(403)
      expect((yield* request(url, "DELETE", `/api/v1/rbac/users/${bob.user.id}/roles/auditor`, { auth: admin.auth })).status).toBe(404)
      expect((yield* request(url, "POST", `/api/v1/rbac/users/${bob.user.id}/roles`, { auth: admin.auth, body: { role: "nosuch" } })).status).toBe(404)
      // system:admin through a custom role opens admin operations too.
      yield* request(url, "POST", "/api/v1/rbac/roles", { auth: admin.auth, body: { name: "operator", permissions: ["system:admin"] } })
      yield* request(url, "POST", `/api/v1/rbac/users/${bob.user.id}/roles`, { auth: admin.auth, body: { role: "operator" } })
      expect((yield* request(url, "GET", "/api/v1/admin/users", { auth: bob.auth })).status).toBe(200)
      // Still assigned: refused unless the request takes it from its users.
      expect((yield* request(url, "DELETE", "/api/v1/rbac/roles/operator", { auth: admin.auth })).status).toBe(409)
      expect((yield* request(url, "DELETE", "/api/v1/rbac/roles/operator?unassign=true", { auth: admin.auth })).status).toBe(204)
      expect((yield* request(url, "GET", "/api/v1/admin/users", { auth: bob.auth })).status).toBe(403)
      expect((yield* request(url, "DELETE", "/api/v1/rbac/roles/auditor", { auth: admin.auth })).status).toBe(204)
      expect((yield* request(url, "GET", "/api/v1/rbac/roles/auditor", { auth: admin.auth })).status).toBe(404)
    }))

  it.scopedLive("built-in roles: promote and demote at once; the last admin and built-in roles are protected", () =>
    Effect.gen(function* () {
      const { url } = yield* startServerWithDatabase()
      const admin = yield* account(url, "ivy")
      const jon = yield* account(url, "jon")
      const listUsers = request(url, "GET", "/api/v1/admin/users", { auth: jon.auth })
      expect((yield* listUsers).status).toBe(403)
      yield* request(url, "POST", `/api/v1/rbac/users/${jon.user.id}/roles`, { auth: admin.auth, body: { role: "admin" } })
      expect((yield* listUsers).status).toBe(200)
      expect((yield* request(url, "GET", "/api/v1/users/me", { auth: jon.auth })).body).toMatchObject({ role: "admin" })

      const demoted = yield* request(url, "DELETE", `/api/v1/rbac/users/${jon.user.id}/roles/admin`, { auth: admin.auth })
      expect(demoted.status).toBe(204)
      expect((yield* request(url, "GET", `/api/v1/rbac/users/${jon.user.id}/roles`, { auth: admin.auth })).body).toMatchObject({ role: "guest", roles: ["guest"] })
      expect((yield* listUsers).status).toBe(403)
      const lowest = yield* request(url, "DELETE", `/api/v1/rbac/users/${jon.user.id}/roles/guest`, { auth: admin.auth })
      expect(lowest.status).toBe(409)

      const last = yield* request(url, "DELETE", `/api/v1/rbac/users/${admin.user.id}/roles/admin`, { auth: admin.auth })
      expect(last.status).toBe(409)
      expect(last.body).toMatchObject({ code: "Conflict" })
      expect((yield* request(url, "POST", `/api/v1/rbac/users/${admin.user.id}/roles`, { auth: admin.auth, body: { role: "user" } })).status).toBe(409)
      expect((yield* request(url, "DELETE", "/api/v1/rbac/roles/user", { auth: admin.auth })).status).toBe(409)
      expect((yield* request(url, "PUT", "/api/v1/rbac/roles/admin/permissions", { auth: admin.auth, body: { permissions: [] } })).status).toBe(409)
      expect((yield* request(url, "GET", "/api/v1/admin/users", { auth: admin.auth })).status).toBe(200)
    }))

  it.scopedLive("a role change on one node reaches the other node's cached enforcement", () =>
    Effect.gen(function* () {
      const { a, b } = yield* twoNodes()
      const admin = yield* account(a, "kim")
      const lee = yield* account(a, "lee")
      const onB = Effect.map(request(b, "GET", "/api/v1/admin/users", { auth: lee.auth }), (res) => res.status)
      expect(yield* onB).toBe(403)
      expect((yield* request(b, "GET", "/api/v1/users/me", { auth: lee.auth })).body).toMatchObject({ role: "user" })
      yield* request(a, "POST", `/api/v1/rbac/users/${lee.user.id}/roles`, { auth: admin.auth, body: { role: "admin" } })
      yield* eventually(onB, (status) => status === 200, { what: "node b to see the promotion", timeout: Duration.seconds(2) })
      // The cached public user on node b shows the new role too.
      const meOnB = Effect.map(request(b, "GET", "/api/v1/users/me", { auth: lee.auth }), (res) => JSON.stringify(res.body))
      yield* eventually(meOnB, (body) => body.includes('"role":"admin"'), { what: "node b's cached user", timeout: Duration.seconds(2) })
      yield* request(a, "DELETE", `/api/v1/rbac/users/${lee.user.id}/roles/admin`, { auth: admin.auth })
      yield* eventually(onB, (status) => status === 403, { what: "node b to see the demotion", timeout: Duration.seconds(2) })
    }))

  it.scopedLive("RPC offers the same operations under the same policy", () =>
    Effect.gen(function* () {
      const { url } = yield* startServerWithDatabase()
      const admin = yield* account(url, "max")
      const user = yield* account(url, "ned")
      const rpc = yield* RpcClient.make(RbacRpcs).pipe(
        Effect.provide(RpcClient.layerProtocolHttp({ url: `${url}/rpc` }).pipe(Layer.provide([FetchHttpClient.layer, RpcSerialization.layerNdjson])))
      )
      const as = (token: string) => RpcClient.withHeaders({ authorization: `Bearer ${token}` })
      yield* rpc.RbacCreateRole({ name: "curator", description: "", permissions: ["media:write"] }).pipe(as(admin.accessToken))
      const roles = yield* rpc.RbacAssignRole({ userId: UserId.make(user.user.id), role: "curator" }).pipe(as(admin.accessToken))
      expect(roles.permissions).toContain("media:write")
      expect(yield* Effect.flip(rpc.RbacListRoles().pipe(as(user.accessToken)))).toBeInstanceOf(Forbidden)
    }))
})
