/**
 * The one output format of every benchmark: one JSON line per figure on stdout,
 * `{"bench":NAME,"figure":FIGURE,"value":NUMBER,"unit":UNIT}`. Everything else goes to stderr
 * (`progress`), so `npm run bench -- NAME > figures.jsonl` captures only figures.
 */
import { Data } from "effect"

export type Unit = "MB" | "%" | "req/s" | "ops/s" | "files/s" | "ms" | "µs" | "ms/s" | "s" | "ratio" | "count" | "KB"

export interface Figure {
  readonly bench: string
  readonly figure: string
  readonly value: number
  readonly unit: Unit
}

/** Prints one figure. A non-finite value is a bug in the benchmark (JSON would print it as null). */
export const emit = (bench: string, figure: string, value: number, unit: Unit): void => {
  if (!Number.isFinite(value)) throw new Error(`bench ${bench}: figure ${figure} is not a finite number (${value})`)
  const line: Figure = { bench, figure, value, unit }
  process.stdout.write(`${JSON.stringify(line)}\n`)
}

const started = performance.now()

/** Progress and diagnostics, never on stdout; prefixed with the seconds since start. */
export const progress = (message: string): void => {
  process.stderr.write(`[bench +${((performance.now() - started) / 1000).toFixed(1)}s] ${message}\n`)
}

/** Rounds for display in a figure (the measurement itself is not more precise than this). */
export const round = (value: number, digits: number): number => {
  const factor = 10 ** digits
  return Math.round(value * factor) / factor
}

/**
 * The work a figure would describe did not happen (not finished by its deadline, not spread as
 * claimed): the bench fails and prints no figure, rather than a rate of work that was not done.
 */
export class BenchIncomplete extends Data.TaggedError("BenchIncomplete")<{ readonly message: string }> {}
