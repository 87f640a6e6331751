/**
 * Admin: the server's statistics from the hourly aggregation: plays per day or hour as bars, watch time,
 * active users and how streams were served, for the server or one library, and each library's size.
 * "Aggregate now" runs the job at once (otherwise it runs a few minutes past every hour).
 */
import { finishedStates as FINISHED, type LibraryId, type StatisticsGranularity, type StatisticsPoint } from "@mediaserver/domain"
import { useState } from "preact/hooks"
import { call } from "../api.js"
import { useLoad } from "../load.js"
import { useSession } from "../session.js"
import { Failed, Status } from "../ui/Shell.js"
import { AdminNav } from "./AdminNav.js"

const hours = (seconds: number) => (seconds / 3600).toFixed(1)
const UNITS = [[1e12, "TB"], [1e9, "GB"], [1e6, "MB"], [1e3, "kB"]] as const
const size = (bytes: number | null) => {
  if (bytes === null) return "–"
  const [scale, unit] = UNITS.find(([scale]) => bytes >= scale) ?? [1, "B"]
  return `${(bytes / scale).toFixed(scale === 1 ? 0 : 1)} ${unit}`
}
const label = (startsAt: string, granularity: StatisticsGranularity) =>
  granularity === "day" ? startsAt.slice(0, 10) : `${startsAt.slice(5, 10)} ${startsAt.slice(11, 16)}`

const Totals = (props: { readonly points: ReadonlyArray<StatisticsPoint> }) => {
  const sum = (f: (p: StatisticsPoint) => number) => props.points.reduce((n, p) => n + f(p), 0)
  return (
    <dl class="stats-totals">
      <div><dt>Plays</dt><dd>{sum((p) => p.plays)}</dd></div>
      <div><dt>Hours watched</dt><dd>{hours(sum((p) => p.watchSeconds))}</dd></div>
      <div><dt>Most active users in a period</dt><dd>{Math.max(0, ...props.points.map((p) => p.activeUsers))}</dd></div>
      <div><dt>Direct / remux / transcode</dt><dd>{sum((p) => p.directPlays)} / {sum((p) => p.remuxes)} / {sum((p) => p.transcodes)}</dd></div>
    </dl>
  )
}

const Bars = (props: { readonly points: ReadonlyArray<StatisticsPoint>; readonly granularity: StatisticsGranularity }) => {
  const most = Math.max(1, ...props.points.map((p) => p.plays))
  return (
    <ol class="stats-bars" aria-label="Plays per period">
      {props.points.map((p) => (
        <li title={`${label(p.startsAt, props.granularity)}: ${p.plays} plays, ${hours(p.watchSeconds)} h, ${p.activeUsers} users`}>
          <span style={{ height: `${(100 * p.plays) / most}%` }} />
          <small>{label(p.startsAt, props.granularity)}</small>
        </li>
      ))}
    </ol>
  )
}

export const AdminStatistics = () => {
  const { session } = useSession()
  const libraries = session?.libraries ?? []
  const [granularity, setGranularity] = useState<StatisticsGranularity>("day")
  const [libraryId, setLibraryId] = useState<LibraryId | "">("")
  const [report, reload] = useLoad(() => call((api) => api.adminStatistics.list({ urlParams: { granularity } })), [granularity])
  const [message, setMessage] = useState<string | null>(null)
  const aggregate = async () => {
    setMessage("Aggregating…")
    const run = await call((api) => api.adminJobs.runSchedule({ path: { name: "statistics.aggregate" } }))
    if (!run.ok) return setMessage(`Could not start: ${run.error.message}`)
    // Follow the run (for at most half a minute), then read the numbers it wrote.
    for (let attempt = 0; attempt < 60; attempt++) {
      const now = await call((api) => api.adminJobs.get({ path: { runId: run.value.id } }))
      if (!now.ok) return setMessage(`Could not follow the run: ${now.error.message}`)
      if (FINISHED.includes(now.value.state)) {
        setMessage(now.value.state === "completed" ? null : `The aggregation ${now.value.state}: ${now.value.lastError ?? ""}`)
        return reload()
      }
      await new Promise((resolve) => setTimeout(resolve, 500))
    }
    setMessage("The aggregation is still running; come back in a moment.")
  }
  const nameOf = (id: LibraryId | null) => (id === null ? "Whole server" : libraries.find((l) => l.id === id)?.name ?? id)
  return (
    <div class="admin">
      <AdminNav />
      <h1>Statistics</h1>
      <div class="toolbar">
        <label>Period
          <select value={granularity} onChange={(e) => setGranularity(e.currentTarget.value === "hour" ? "hour" : "day")}>
            <option value="day">Last 30 days</option>
            <option value="hour">Last 48 hours</option>
          </select>
        </label>
        <label>Scope
          <select value={libraryId} onChange={(e) => setLibraryId(libraries.find((l) => l.id === e.currentTarget.value)?.id ?? "")}>
            <option value="">Whole server</option>
            {libraries.map((l) => <option value={l.id}>{l.name}</option>)}
          </select>
        </label>
        <button type="button" onClick={() => void aggregate()}>Aggregate now</button>
      </div>
      {message === null ? null : <p role="status">{message}</p>}
      {report.state === "loading" ? <Status>Loading…</Status> : null}
      {report.state === "failed" ? <Failed message={report.error.message} retry={reload} /> : null}
      {report.state === "ready" ? (() => {
        const scoped = report.value.items.filter((p) => p.libraryId === (libraryId === "" ? null : libraryId))
        const latest = new Map(report.value.items.filter((p) => p.movies !== null).map((p) => [p.libraryId, p]))
        return (
          <>
            <p class="muted">
              {report.value.aggregatedAt === null ? "Not aggregated yet." : `Aggregated ${new Date(report.value.aggregatedAt).toLocaleString()}.`}
            </p>
            <Totals points={scoped} />
            {scoped.length === 0 ? <p>No statistics for this period yet.</p> : <Bars points={scoped} granularity={granularity} />}
            <table class="users">
              <caption>Sizes at the last aggregation</caption>
              <thead><tr><th scope="col">Scope</th><th scope="col">Movies</th><th scope="col">Series</th><th scope="col">Episodes</th><th scope="col">Files</th><th scope="col">Size</th></tr></thead>
              <tbody>
                {[...latest.values()].map((p) => (
                  <tr>
                    <th scope="row">{nameOf(p.libraryId)}</th>
                    <td>{p.movies}</td><td>{p.series}</td><td>{p.episodes}</td><td>{p.files}</td><td>{size(p.bytes)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )
      })() : null}
    </div>
  )
}
