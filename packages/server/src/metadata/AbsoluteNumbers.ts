/**
 * Anime numbering: episodes a scan placed by their absolute number only (key `a<n>` in season 1, see
 * migration 0086) are moved to the season and episode of a provider's order when their series is
 * refreshed, and the map is kept for the next scans (ContentRepo.absoluteNumbers). The order comes from
 * the first provider in the chain that has one (TVDb's absolute order), else from the seasons' episode
 * counts of the merged series (absolute 27 after a 25-episode first season is S02E02).
 */
import { PgClient } from "@effect/sql-pg"
import type { DatabaseError, MetadataSeries, SeasonSummary } from "@mediaserver/domain"
import { Context, Effect, Layer, Option, Schema } from "effect"
import { decodeRows, jsonb, wrapSql } from "../db/Sql.js"
import type { AbsoluteOrder, ItemHint, Placement } from "./provider/Provider.js"
import type { ProviderChain } from "./Providers.js"


/** Absolute numbers through the seasons' episode counts, specials (season 0) left out. */
export const orderFromSeasons = (seasons: ReadonlyArray<SeasonSummary>): AbsoluteOrder => {
  const order = new Map<number, Placement>()
  let absolute = 0
  for (const s of [...seasons].filter((s) => s.seasonNumber > 0).sort((a, b) => a.seasonNumber - b.seasonNumber)) {
    for (let episode = 1; episode <= (s.episodeCount ?? 0); episode++) order.set(++absolute, { season: s.seasonNumber, episode })
  }
  return order
}

/** The first order a provider of the chain has for the series (by its id there), else the seasons' episode counts. */
export const orderFor = (chain: ProviderChain, firstId: string, series: MetadataSeries, hint: ItemHint): Effect.Effect<AbsoluteOrder> =>
  Effect.gen(function* () {
    for (const link of chain) {
      const theirId = link === chain[0] ? Option.some(firstId) : yield* link.provider.resolveId(series.externalIds, "tv", hint).pipe(Effect.orElseSucceed(() => Option.none<string>()))
      if (Option.isNone(theirId)) continue
      const order = yield* link.provider.absoluteOrder(theirId.value).pipe(
        Effect.tapError((e) => Effect.logDebug(`absolute order: ${link.provider.name} skipped: ${e.message}`)),
        Effect.orElseSucceed(() => Option.none<AbsoluteOrder>())
      )
      if (Option.isSome(order) && order.value.size > 0) return order.value
    }
    return orderFromSeasons(series.seasons)
  })

const decodeNumbers = decodeRows(Schema.Struct({ absolute_number: Schema.Number }))

export class AbsoluteNumbers extends Context.Tag("@mediaserver/metadata/AbsoluteNumbers")<
  AbsoluteNumbers,
  {
    /** The absolute numbers of the series' episodes still placed by them alone. */
    readonly unplaced: (seriesId: string) => Effect.Effect<ReadonlyArray<number>, DatabaseError>
    /** Keeps the series' order and moves its unplaced episodes where it says (onto an existing episode: its files join it). */
    readonly place: (seriesId: string, order: AbsoluteOrder) => Effect.Effect<void, DatabaseError>
  }
>() {
  static readonly layer = Layer.effect(
    AbsoluteNumbers,
    Effect.map(PgClient.PgClient, (sql) => ({
      unplaced: (seriesId) =>
        sql`SELECT absolute_number FROM episodes WHERE series_id = ${seriesId} AND episode_key LIKE 'a%' AND absolute_number IS NOT NULL`.pipe(
          Effect.flatMap(decodeNumbers), Effect.map((rows) => rows.map((r) => r.absolute_number)), wrapSql("metadata.unplacedEpisodes")),
      place: (seriesId, order) =>
        Effect.gen(function* () {
          yield* sql`DELETE FROM series_absolute_numbers WHERE series_id = ${seriesId}`
          if (order.size === 0) return
          yield* sql`
            INSERT INTO series_absolute_numbers (series_id, absolute_number, season_number, episode_number)
            SELECT ${seriesId}, x.a, x.s, x.e FROM jsonb_to_recordset(${jsonb([...order].map(([a, p]) => ({ a, s: p.season, e: p.episode })))}::jsonb)
              AS x(a int, s int, e int)
          `
          const unplaced = sql`
            SELECT e.id, m.season_number, m.episode_number FROM episodes e
            JOIN series_absolute_numbers m ON m.series_id = e.series_id AND m.absolute_number = e.absolute_number
            WHERE e.series_id = ${seriesId} AND e.episode_key LIKE 'a%'
          `
          yield* sql`
            INSERT INTO seasons (id, series_id, season_number)
            SELECT gen_random_uuid(), ${seriesId}, u.season_number FROM (${unplaced}) u GROUP BY u.season_number
            ON CONFLICT (series_id, season_number) DO NOTHING
          `
          // Onto an episode that exists (a file named S02E02 beside "Show - 27"): its files join it.
          yield* sql`
            WITH moves AS (
              SELECT u.id AS from_id, t.id AS to_id FROM (${unplaced}) u
              JOIN seasons s ON s.series_id = ${seriesId} AND s.season_number = u.season_number
              JOIN episodes t ON t.season_id = s.id AND t.episode_key = 'e' || u.episode_number
            ), relinked AS (
              INSERT INTO media_file_episodes (media_file_id, episode_id)
              SELECT l.media_file_id, moves.to_id FROM media_file_episodes l JOIN moves ON l.episode_id = moves.from_id
              ON CONFLICT DO NOTHING
            )
            DELETE FROM episodes WHERE id IN (SELECT from_id FROM moves)
          `
          yield* sql`
            UPDATE episodes e SET season_id = s.id, season_number = u.season_number, episode_key = 'e' || u.episode_number,
              episode_number = u.episode_number
            FROM (${unplaced}) u JOIN seasons s ON s.series_id = ${seriesId} AND s.season_number = u.season_number
            WHERE e.id = u.id
          `
          yield* sql`
            DELETE FROM seasons se WHERE se.series_id = ${seriesId} AND NOT EXISTS (SELECT 1 FROM episodes e WHERE e.season_id = se.id)
          `
        }).pipe(wrapSql("metadata.placeAbsolute"))
    }))
  )
}
