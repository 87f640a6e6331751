/**
 * How a query matches and ranks a search document (tables `search_*`, alias `d`): full text (every
 * word, the last as a prefix, in `simple` and each library language), trigram word similarity of
 * the folded titles (typos), and substrings of them (scripts without word breaks). Rank: text rank
 * (title words weigh most) + title similarity + a bonus when the title is, or starts with, the query.
 *
 * Matches come in tiers, so a query reads and ranks only what it can use: titles starting with the
 * query (a btree range), then other full-text and substring matches, and typo matches only when
 * neither found anything (a query spelled right does not pay for the thousands of names a trigram
 * of it resembles).
 */
import type { Statement } from "@effect/sql"
import { likePattern } from "../content/Listing.js"

/** Words a query keeps (letters and digits of any script), at most this many, each at most WORD_MAX long. */
const MAX_WORDS = 8
const WORD_MAX = 40
const WORD = /[\p{L}\p{N}]+/gu

/** `a & b & c:*` for to_tsquery: letters and digits only, so no query syntax can be injected. */
export const tsTerms = (q: string): string | null => {
  const words = (q.normalize("NFC").match(WORD) ?? []).slice(0, MAX_WORDS).map((w) => w.slice(0, WORD_MAX))
  return words.length === 0 ? null : words.map((w, i) => (i === words.length - 1 ? `${w}:*` : w)).join(" & ")
}

/** Text search configurations with a safe name (they come from `search_config`, checked again here). */
export const safeConfigs = (configs: ReadonlyArray<string>): ReadonlyArray<string> =>
  [...new Set(configs)].filter((c) => /^[a-z_]+$/.test(c) && c !== "simple")

export interface Match {
  /** Documents whose title starts with the query. */
  readonly prefix: Statement.Fragment
  /** Other documents the query finds spelled as typed (full text or substring); null: none beyond `prefix`. */
  readonly exact: Statement.Fragment | null
  /** Documents whose names resemble the query (typos); null: none beyond `prefix`. */
  readonly similar: Statement.Fragment | null
  /** Higher is better. */
  readonly score: Statement.Fragment
}

/** Shorter queries (one or two letters typed) match title prefixes only: anything else matches half the library. */
const SHORT = 3

export const match = (sql: Statement.Constructor, q: string, configs: ReadonlyArray<string>): Match => {
  const terms = tsTerms(q)
  const text = q.normalize("NFC")
  const folded = sql`search_fold(${text})`
  const prefix = sql`d.title_key LIKE search_fold(${likePattern(text).slice(1)})`
  if ([...text].length < SHORT) {
    return { prefix, exact: null, similar: null, score: sql`(CASE WHEN d.title_key = ${folded} THEN 3 ELSE 2 END)` }
  }
  const tsquery = terms === null
    ? null
    : sql`(${
      sql.join(" || ", false)(
        ["simple", ...safeConfigs(configs)].map((c) => sql`to_tsquery(${sql.literal(`'${c}'`)}::regconfig, search_fold(${terms}))`)
      )
    })`
  const contains = sql`d.names LIKE search_fold(${likePattern(text)})`
  return {
    prefix,
    exact: tsquery === null ? contains : sql`(d.document @@ ${tsquery} OR ${contains})`,
    similar: sql`${folded} <% d.names`,
    score: sql`(${tsquery === null ? sql`0` : sql`ts_rank(d.document, ${tsquery})`}
      + 2 * word_similarity(${folded}, d.names)
      + CASE WHEN d.title_key = ${folded} THEN 3 WHEN ${prefix} THEN 2 ELSE 0 END)`
  }
}
