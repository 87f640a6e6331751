/**
 * Renders Effect metrics in the Prometheus text format (0.0.4). Effect's histogram buckets are
 * cumulative already, as Prometheus wants them.
 */
import { Effect, Metric, MetricState, Option } from "effect"
import type { MetricPair } from "effect"

const escapeLabel = (value: string) => value.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"')

const labels = (tags: ReadonlyArray<{ readonly key: string; readonly value: string }>, extra?: string): string => {
  const parts = tags.map((t) => `${t.key}="${escapeLabel(t.value)}"`)
  if (extra !== undefined) parts.push(extra)
  return parts.length === 0 ? "" : `{${parts.join(",")}}`
}

const num = (n: number): string => (Number.isFinite(n) ? String(n) : n > 0 ? "+Inf" : n < 0 ? "-Inf" : "NaN")

const renderPair = (pair: MetricPair.MetricPair.Untyped, out: Array<string>, typed: Set<string>) => {
  const name = pair.metricKey.name
  const tags = pair.metricKey.tags
  const state = pair.metricState
  const header = (type: string) => {
    if (typed.has(name)) return
    typed.add(name)
    const help = Option.getOrUndefined(pair.metricKey.description)
    if (help !== undefined) out.push(`# HELP ${name} ${help}`)
    out.push(`# TYPE ${name} ${type}`)
  }
  if (MetricState.isCounterState(state)) {
    header("counter")
    out.push(`${name}${labels(tags)} ${num(Number(state.count))}`)
  } else if (MetricState.isGaugeState(state)) {
    header("gauge")
    out.push(`${name}${labels(tags)} ${num(Number(state.value))}`)
  } else if (MetricState.isHistogramState(state)) {
    header("histogram")
    for (const [boundary, count] of state.buckets) {
      out.push(`${name}_bucket${labels(tags, `le="${num(boundary)}"`)} ${count}`)
    }
    out.push(`${name}_bucket${labels(tags, `le="+Inf"`)} ${state.count}`)
    out.push(`${name}_sum${labels(tags)} ${num(state.sum)}`)
    out.push(`${name}_count${labels(tags)} ${state.count}`)
  } else if (MetricState.isFrequencyState(state)) {
    header("counter")
    for (const [key, count] of state.occurrences) {
      out.push(`${name}${labels(tags, `value="${escapeLabel(key)}"`)} ${count}`)
    }
  } else if (MetricState.isSummaryState(state)) {
    header("summary")
    for (const [quantile, value] of state.quantiles) {
      out.push(`${name}${labels(tags, `quantile="${quantile}"`)} ${num(Option.getOrElse(value, () => 0))}`)
    }
    out.push(`${name}_sum${labels(tags)} ${num(state.sum)}`)
    out.push(`${name}_count${labels(tags)} ${state.count}`)
  }
}

export const renderPrometheus: Effect.Effect<string> = Effect.map(Metric.snapshot, (pairs) => {
  const out: Array<string> = []
  const typed = new Set<string>()
  const sorted = [...pairs].sort((a, b) => a.metricKey.name.localeCompare(b.metricKey.name))
  for (const pair of sorted) renderPair(pair, out, typed)
  return out.join("\n") + "\n"
})
