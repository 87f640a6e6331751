/**
 * The confidence rule for matching a scanned title (and year) to search results. A candidate scores
 * up to 0.6 for its title (exact after normalising, else by shared words), 0.3 for the year (exact;
 * 0.15 one year off; 0.1 when the scan has none) and 0.1 for being the provider's first answer.
 * A match needs MIN_SCORE and a MARGIN over the runner-up; otherwise the candidates are kept for a
 * person to pick.
 */
import { MatchCandidate, type SearchResult } from "@mediaserver/domain"

export const MIN_SCORE = 0.75
export const MARGIN = 0.1
const KEPT_CANDIDATES = 5

export const normalise = (title: string): string =>
  title
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/&/g, " and ")
    .replace(/[^a-z0-9]+/g, " ")
    .replace(/^(the|a|an) /, "")
    .trim()

const words = (title: string) => new Set(normalise(title).split(" ").filter((w) => w !== ""))

/** Dice coefficient of the two titles' word sets. */
const similarity = (a: string, b: string): number => {
  const x = words(a)
  const y = words(b)
  if (x.size === 0 || y.size === 0) return 0
  let shared = 0
  for (const w of x) if (y.has(w)) shared++
  return (2 * shared) / (x.size + y.size)
}

export const score = (title: string, year: number | null, result: SearchResult, rank: number): number => {
  const titles = [result.title, result.originalTitle ?? ""].filter((t) => t !== "")
  const exact = titles.some((t) => normalise(t) === normalise(title))
  const titleScore = exact ? 0.6 : 0.6 * Math.max(0, ...titles.map((t) => similarity(title, t))) * 0.8
  const yearScore = year === null
    ? 0.1
    : result.year === null ? 0 : result.year === year ? 0.3 : Math.abs(result.year - year) === 1 ? 0.15 : 0
  return Math.round((titleScore + yearScore + (rank === 0 ? 0.1 : 0)) * 1000) / 1000
}

export type MatchOutcome =
  | { readonly kind: "matched"; readonly id: string; readonly candidates: ReadonlyArray<MatchCandidate> }
  | { readonly kind: "unmatched"; readonly candidates: ReadonlyArray<MatchCandidate> }

export const decide = (provider: string, title: string, year: number | null, results: ReadonlyArray<SearchResult>): MatchOutcome => {
  const candidates = results
    .map((r, rank) => new MatchCandidate({ provider, id: r.id, title: r.title, year: r.year, score: score(title, year, r, rank) }))
    .sort((a, b) => b.score - a.score)
    .slice(0, KEPT_CANDIDATES)
  const [best, second] = candidates
  if (best !== undefined && best.score >= MIN_SCORE && (second === undefined || best.score - second.score >= MARGIN)) {
    return { kind: "matched", id: best.id, candidates }
  }
  return { kind: "unmatched", candidates }
}
