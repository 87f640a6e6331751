/**
 * Facet counts over the matches of a search (the CTE `h` of ids), each a JSON array of
 * { value, label, count }: genres, years, decades, rating bands, status, studios or networks, and
 * libraries. `h` is already filtered by the caller's access, so counts never reveal hidden items.
 */
import type { Statement } from "@effect/sql"
import type { FacetName } from "@mediaserver/domain"
import type { Table } from "../content/Listing.js"

const MAX_BUCKETS = 50

/** Buckets from `from` (joined to `h`), grouped by value and label, ordered as `order` says. */
const buckets = (sql: Statement.Constructor, value: string, label: string, from: string, order: string) =>
  sql.literal(`coalesce((SELECT json_agg(json_build_object('value', x.value, 'label', x.label, 'count', x.count) ORDER BY ${order})
    FROM (SELECT ${value} AS value, ${label} AS label, count(*)::int AS count ${from} GROUP BY 1, 2 ORDER BY ${order} LIMIT ${MAX_BUCKETS}) x),
    '[]'::json)`)

export const facetQueries = (sql: Statement.Constructor, table: Table, a: string): Readonly<Record<FacetName, Statement.Fragment>> => {
  const item = `FROM h JOIN ${table} ${a} ON ${a}.id = h.id`
  const key = table === "movies" ? "movie_id" : "series_id"
  const genres = table === "movies" ? "movie_genres" : "series_genres"
  const companies = table === "movies" ? "movie_studios" : "series_networks"
  const byCount = "count DESC, label"
  return {
    genres: buckets(sql, "g.id::text", "g.name", `FROM h JOIN ${genres} j ON j.${key} = h.id JOIN genres g ON g.id = j.genre_id`, byCount),
    years: buckets(sql, `${a}.year::text`, `${a}.year::text`, `${item} WHERE ${a}.year IS NOT NULL`, "value DESC"),
    decades: buckets(sql, `(${a}.year / 10 * 10)::text`, `(${a}.year / 10 * 10)::text || 's'`, `${item} WHERE ${a}.year IS NOT NULL`, "value DESC"),
    // Bands of two points: value "6" is 6 <= rating < 8 (10 falls in the top band).
    ratings: buckets(sql, `(least(floor(${a}.rating / 2) * 2, 8))::int::text`,
      `(least(floor(${a}.rating / 2) * 2, 8))::int::text || '-' || (least(floor(${a}.rating / 2) * 2, 8) + 2)::int::text`,
      `${item} WHERE ${a}.rating IS NOT NULL`, "value DESC"),
    status: buckets(sql, `${a}.status`, `${a}.status`, `${item} WHERE ${a}.status IS NOT NULL`, byCount),
    companies: buckets(sql, "co.id::text", "co.name", `FROM h JOIN ${companies} j ON j.${key} = h.id JOIN companies co ON co.id = j.company_id`, byCount),
    libraries: buckets(sql, "l.id::text", "l.name", `${item} JOIN libraries l ON l.id = ${a}.library_id`, byCount)
  }
}
