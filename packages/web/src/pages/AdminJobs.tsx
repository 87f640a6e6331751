/** Admin: background job runs, newest first, filtered by state; retry a failed run, cancel a waiting or running one. */
import { JobRunState, type JobRun } from "@mediaserver/domain"
import { useState } from "preact/hooks"
import { call } from "../api.js"
import { useLoad } from "../load.js"
import { Failed, Status } from "../ui/Shell.js"
import { AdminNav } from "./AdminNav.js"

const RETRYABLE: ReadonlyArray<JobRunState> = ["failed", "discarded", "cancelled"]
const CANCELLABLE: ReadonlyArray<JobRunState> = ["queued", "running", "retrying"]

export const AdminJobs = () => {
  const [state, setState] = useState<JobRunState | "">("")
  const [runs, retry] = useLoad(() => call((api) => api.adminJobs.list({ urlParams: { pageSize: 50, ...(state === "" ? {} : { state }) } })), [state])
  const [error, setError] = useState<string | null>(null)
  const act = async (run: JobRun, action: "retry" | "cancel") => {
    setError(null)
    const result = action === "retry"
      ? await call((api) => api.adminJobs.retry({ path: { runId: run.id } }))
      : await call((api) => api.adminJobs.cancel({ path: { runId: run.id } }))
    if (result.ok) retry()
    else setError(`Could not ${action} ${run.kind}: ${result.error.message}`)
  }
  return (
    <div class="admin">
      <AdminNav />
      <h1>Jobs</h1>
      <label class="toolbar">State{" "}
        <select value={state} onChange={(e) => setState(JobRunState.literals.find((s) => s === e.currentTarget.value) ?? "")}>
          <option value="">All</option>
          {JobRunState.literals.map((s) => <option value={s}>{s}</option>)}
        </select>
      </label>
      {error === null ? null : <p class="error" role="alert">{error}</p>}
      {runs.state === "loading" ? <Status>Loading…</Status> : null}
      {runs.state === "failed" ? <Failed message={runs.error.message} retry={retry} /> : null}
      {runs.state === "ready" ? (
        <table class="users">
          <caption>{runs.value.total} runs</caption>
          <thead><tr><th scope="col">Job</th><th scope="col">Queue</th><th scope="col">State</th><th scope="col">Attempt</th><th scope="col">Queued</th><th scope="col">Last error</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
          <tbody>
            {runs.value.items.map((run) => (
              <tr>
                <th scope="row">{run.kind}</th>
                <td>{run.queue}</td>
                <td>{run.state}</td>
                <td>{run.attempt}/{run.maxAttempts}</td>
                <td>{run.insertedAt.toLocaleString()}</td>
                <td>{run.lastError ?? ""}</td>
                <td>
                  {RETRYABLE.includes(run.state) ? <button type="button" onClick={() => void act(run, "retry")}>Retry</button> : null}
                  {CANCELLABLE.includes(run.state) ? <button type="button" onClick={() => void act(run, "cancel")}>Cancel</button> : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </div>
  )
}
