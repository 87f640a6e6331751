/**
 * Admin: users (searched by name or email), their built-in role and custom roles, disabling an account,
 * and which libraries each may see (admins see every library).
 */
import { type Library, type LibraryPermission, Role, type RoleInfo, type User } from "@mediaserver/domain"
import { useState } from "preact/hooks"
import { call } from "../api.js"
import { useLoad } from "../load.js"
import { Failed, Status } from "../ui/Shell.js"
import { AdminNav } from "./AdminNav.js"

export const AdminUsers = () => {
  const [search, setSearch] = useState("")
  const [data, retry] = useLoad(async () => {
    const [users, libraries, roles] = await Promise.all([
      call((api) => api.adminUsers.list({ urlParams: { limit: 200, ...(search.trim() === "" ? {} : { search: search.trim() }) } })),
      call((api) => api.libraries.list()),
      call((api) => api.rbac.listRoles())
    ])
    if (!users.ok) return users
    if (!libraries.ok) return libraries
    if (!roles.ok) return roles
    const custom = roles.value.filter((r) => !r.builtin)
    const [permissions, holders] = await Promise.all([
      Promise.all(libraries.value.map((l) => call((api) => api.libraries.permissions({ path: { libraryId: l.id } })))),
      // Who holds each custom role: one listing per role rather than one request per user.
      Promise.all(custom.map((r) => call((api) => api.adminUsers.list({ urlParams: { role: r.name, limit: 200 } }))))
    ])
    const granted = permissions.flatMap((p) => (p.ok ? p.value : []))
    const held = custom.flatMap((r, i) => {
      const page = holders[i]
      return page?.ok === true ? page.value.items.map((u) => `${r.name}/${u.id}`) : []
    })
    return { ok: true, value: { users: users.value.items, libraries: libraries.value, granted, custom, held } } as const
  }, [search])
  return (
    <div class="admin">
      <AdminNav />
      <h1>Users</h1>
      <label class="toolbar">Search by name or email
        <input type="search" value={search} onChange={(e) => setSearch(e.currentTarget.value)} />
      </label>
      {data.state === "loading" ? <Status>Loading…</Status> : null}
      {data.state === "failed" ? <Failed message={data.error.message} retry={retry} /> : null}
      {data.state === "ready" ? <UsersTable {...data.value} changed={retry} /> : null}
    </div>
  )
}

const UsersTable = (props: {
  readonly users: ReadonlyArray<User>
  readonly libraries: ReadonlyArray<Library>
  readonly granted: ReadonlyArray<LibraryPermission>
  readonly custom: ReadonlyArray<RoleInfo>
  readonly held: ReadonlyArray<string>
  readonly changed: () => void
}) => {
  const [granted, setGranted] = useState(() => new Set(props.granted.filter((p) => p.canView).map((p) => `${p.libraryId}/${p.userId}`)))
  const [error, setError] = useState<string | null>(null)
  const toggle = async (library: Library, user: User, on: boolean) => {
    setError(null)
    const key = `${library.id}/${user.id}`
    const result = on
      ? await call((api) => api.libraries.grant({ path: { libraryId: library.id }, payload: { userId: user.id, canDownload: false, canManage: false } }))
      : await call((api) => api.libraries.revoke({ path: { libraryId: library.id, userId: user.id } }))
    if (!result.ok) return setError(`Could not change ${user.username}'s access to ${library.name}: ${result.error.message}`)
    setGranted((before) => {
      const next = new Set(before)
      if (on) next.add(key)
      else next.delete(key)
      return next
    })
  }
  /** Role and account changes are read back from the server (a refused one shows why). */
  const change = async (what: string, action: () => Promise<{ readonly ok: boolean; readonly error?: { readonly message: string } }>) => {
    setError(null)
    const result = await action()
    if (!result.ok) return setError(`Could not ${what}: ${result.error?.message ?? "refused"}`)
    props.changed()
  }
  const setBuiltin = (user: User, role: string) =>
    change(`make ${user.username} ${role}`, () => call((api) => api.rbac.assignRole({ path: { userId: user.id }, payload: { role } })))
  const setCustom = (user: User, role: string, on: boolean) =>
    change(on ? `give ${user.username} ${role}` : `take ${role} from ${user.username}`, () => on
      ? call((api) => api.rbac.assignRole({ path: { userId: user.id }, payload: { role } }))
      : call((api) => api.rbac.removeRole({ path: { userId: user.id, role } })))
  const setDisabled = (user: User, disable: boolean) =>
    change(`${disable ? "disable" : "enable"} ${user.username}`, () => disable
      ? call((api) => api.adminUsers.disable({ path: { userId: user.id } }))
      : call((api) => api.adminUsers.enable({ path: { userId: user.id } })))
  return (
    <>
      {error === null ? null : <p class="error" role="alert">{error}</p>}
      <table class="users">
        <caption>Roles, account and library access per user</caption>
        <thead>
          <tr>
            <th scope="col">User</th><th scope="col">Role</th>
            {props.custom.length === 0 ? null : <th scope="col">Custom roles</th>}
            <th scope="col">Account</th>
            {props.libraries.map((l) => <th scope="col">{l.name}</th>)}
          </tr>
        </thead>
        <tbody>
          {props.users.map((u) => (
            <tr>
              <th scope="row">{u.username}</th>
              <td>
                <select aria-label={`Built-in role of ${u.username}`} value={u.role} onChange={(e) => void setBuiltin(u, e.currentTarget.value)}>
                  {Role.literals.map((r) => <option value={r}>{r}</option>)}
                </select>
              </td>
              {props.custom.length === 0 ? null : (
                <td>
                  {props.custom.map((r) => (
                    <label class="inline">
                      <input type="checkbox" aria-label={`${u.username} has role ${r.name}`} checked={props.held.includes(`${r.name}/${u.id}`)}
                        onChange={(e) => void setCustom(u, r.name, e.currentTarget.checked)} />{" "}{r.name}
                    </label>
                  ))}
                </td>
              )}
              <td>
                {u.disabled ? "disabled " : ""}
                <button type="button" onClick={() => void setDisabled(u, !u.disabled)}>{u.disabled ? `Enable ${u.username}` : `Disable ${u.username}`}</button>
              </td>
              {props.libraries.map((l) => (
                <td>
                  {u.role === "admin" ? "all" : (
                    <input type="checkbox" aria-label={`${u.username} may see ${l.name}`} checked={granted.has(`${l.id}/${u.id}`)}
                      onChange={(e) => void toggle(l, u, e.currentTarget.checked)} />
                  )}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </>
  )
}
