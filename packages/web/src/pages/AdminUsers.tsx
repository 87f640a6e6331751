/** Admin: users and which libraries each may see (admins see every library). */
import type { Library, LibraryPermission, User } from "@mediaserver/domain"
import { useState } from "preact/hooks"
import { call } from "../api.js"
import { useLoad } from "../load.js"
import { Failed, Status } from "../ui/Shell.js"
import { AdminNav } from "./AdminNav.js"

export const AdminUsers = () => {
  const [data, retry] = useLoad(async () => {
    const [users, libraries] = await Promise.all([call((api) => api.adminUsers.list({ urlParams: { pageSize: 200 } })), call((api) => api.libraries.list())])
    if (!users.ok) return users
    if (!libraries.ok) return libraries
    const permissions = await Promise.all(libraries.value.map((l) => call((api) => api.libraries.permissions({ path: { libraryId: l.id } }))))
    const granted = permissions.flatMap((p) => (p.ok ? p.value : []))
    return { ok: true, value: { users: users.value.items, libraries: libraries.value, granted } } as const
  }, [])
  return (
    <div class="admin">
      <AdminNav />
      <h1>Users</h1>
      {data.state === "loading" ? <Status>Loading…</Status> : null}
      {data.state === "failed" ? <Failed message={data.error.message} retry={retry} /> : null}
      {data.state === "ready" ? <UsersTable {...data.value} /> : null}
    </div>
  )
}

const UsersTable = (props: { readonly users: ReadonlyArray<User>; readonly libraries: ReadonlyArray<Library>; readonly granted: ReadonlyArray<LibraryPermission> }) => {
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
  return (
    <>
      {error === null ? null : <p class="error" role="alert">{error}</p>}
      <table class="users">
        <caption>Library access per user</caption>
        <thead><tr><th scope="col">User</th><th scope="col">Role</th>{props.libraries.map((l) => <th scope="col">{l.name}</th>)}</tr></thead>
        <tbody>
          {props.users.map((u) => (
            <tr>
              <th scope="row">{u.username}</th>
              <td>{u.role}</td>
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
