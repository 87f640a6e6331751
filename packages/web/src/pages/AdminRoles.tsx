/**
 * Admin: roles and what they permit. Built-in roles are shown as they are; custom ones are created,
 * their permissions changed, and deleted (a role someone still holds is deleted only when the admin
 * confirms taking it from them: the server refuses otherwise).
 */
import { Permission, PermissionDescriptions, type RoleInfo } from "@mediaserver/domain"
import { useState } from "preact/hooks"
import { call } from "../api.js"
import { useLoad } from "../load.js"
import { Failed, Status } from "../ui/Shell.js"
import { AdminNav } from "./AdminNav.js"

const PermissionChecks = (props: { readonly idPrefix: string; readonly chosen: ReadonlySet<Permission>; readonly onChange: (next: ReadonlySet<Permission>) => void }) => (
  <fieldset class="permissions">
    <legend>Permissions</legend>
    {Permission.literals.map((p) => (
      <label>
        <input type="checkbox" name={`${props.idPrefix}-${p}`} checked={props.chosen.has(p)} onChange={(e) => {
          const next = new Set(props.chosen)
          if (e.currentTarget.checked) next.add(p)
          else next.delete(p)
          props.onChange(next)
        }} />{" "}
        {PermissionDescriptions[p]} <small>({p})</small>
      </label>
    ))}
  </fieldset>
)

const RoleRow = (props: { readonly role: RoleInfo; readonly changed: () => void }) => {
  const [chosen, setChosen] = useState<ReadonlySet<Permission>>(() => new Set(props.role.permissions))
  const [message, setMessage] = useState<string | null>(null)
  const [holders, setHolders] = useState<ReadonlyArray<string> | null>(null)
  const save = async () => {
    const saved = await call((api) => api.rbac.setPermissions({ path: { roleName: props.role.name }, payload: { permissions: [...chosen] } }))
    setMessage(saved.ok ? "Saved." : `Could not save: ${saved.error.message}`)
  }
  const remove = async (unassign: boolean) => {
    const deleted = await call((api) => api.rbac.deleteRole({ path: { roleName: props.role.name }, urlParams: unassign ? { unassign: true } : {} }))
    if (deleted.ok) return props.changed()
    if (deleted.error.tag === "Conflict" && !unassign) {
      const held = await call((api) => api.adminUsers.list({ urlParams: { role: props.role.name, limit: 200 } }))
      return setHolders(held.ok ? held.value.items.map((u) => u.username) : [])
    }
    setMessage(`Could not delete: ${deleted.error.message}`)
  }
  return (
    <li class="role">
      <h3>{props.role.name}</h3>
      {props.role.description === "" ? null : <p>{props.role.description}</p>}
      {props.role.builtin ? (
        <p>Built in: {props.role.permissions.length === 0 ? "no permissions" : props.role.permissions.join(", ")}</p>
      ) : (
        <>
          <PermissionChecks idPrefix={props.role.name} chosen={chosen} onChange={setChosen} />
          <button type="button" onClick={() => void save()}>Save {props.role.name}</button>{" "}
          <button type="button" onClick={() => void remove(false)}>Delete {props.role.name}</button>
          {holders === null ? null : (
            <p role="alert">
              {holders.length} {holders.length === 1 ? "user holds" : "users hold"} this role{holders.length === 0 ? "" : ` (${holders.join(", ")})`}.{" "}
              <button type="button" onClick={() => void remove(true)}>Delete and take it from them</button>
            </p>
          )}
          {message === null ? null : <p role="status">{message}</p>}
        </>
      )}
    </li>
  )
}

const NewRole = (props: { readonly created: () => void }) => {
  const [name, setName] = useState("")
  const [description, setDescription] = useState("")
  const [chosen, setChosen] = useState<ReadonlySet<Permission>>(new Set())
  const [error, setError] = useState<string | null>(null)
  const submit = async (e: Event) => {
    e.preventDefault()
    const created = await call((api) => api.rbac.createRole({ payload: { name, description, permissions: [...chosen] } }))
    if (!created.ok) return setError(created.error.message)
    setName("")
    setDescription("")
    setChosen(new Set())
    setError(null)
    props.created()
  }
  return (
    <form class="admin-tools" onSubmit={(e) => void submit(e)}>
      <h2>New role</h2>
      <label>Role name (a-z, 0-9, _ or -)<input value={name} required onInput={(e) => setName(e.currentTarget.value)} /></label>
      <label>Description<input value={description} onInput={(e) => setDescription(e.currentTarget.value)} /></label>
      <PermissionChecks idPrefix="new" chosen={chosen} onChange={setChosen} />
      <button type="submit">Create role</button>
      {error === null ? null : <p class="error" role="alert">{error}</p>}
    </form>
  )
}

export const AdminRoles = () => {
  const [roles, reload] = useLoad(() => call((api) => api.rbac.listRoles()), [])
  return (
    <div class="admin">
      <AdminNav />
      <h1>Roles</h1>
      <p class="muted">Every user has one built-in role (admin, user or guest, set on the Users screen) and any number of custom roles; their permissions add up.</p>
      {roles.state === "loading" ? <Status>Loading…</Status> : null}
      {roles.state === "failed" ? <Failed message={roles.error.message} retry={reload} /> : null}
      {roles.state === "ready" ? <ul class="roles">{roles.value.map((role) => <RoleRow key={role.name} role={role} changed={reload} />)}</ul> : null}
      <NewRole created={reload} />
    </div>
  )
}
