/**
 * AniDB has no title search: clients match titles against its daily dump (anime-titles.xml.gz, every
 * anime's main, official, synonym and short titles; to be downloaded at most once a day). The dump is
 * kept in `anidb_titles` with a normalised form of each title, refreshed when a day old, through the same
 * installation-wide slot as the API (one node downloads it; the others find it afterwards). A title
 * matches when its normalised form names exactly one anime among the best kind of title found.
 */
import { PgClient } from "@effect/sql-pg"
import { type DatabaseError, type ProviderError, ProviderUnavailable } from "@mediaserver/domain"
import { Duration, Effect, Option, Schema } from "effect"
import { gunzipSync } from "node:zlib"
import { decodeRows, jsonb, wrapSql } from "../../db/Sql.js"
import { attribute, decodeEntities } from "../../library/NfoXml.js"
import type { ProviderEndpoint } from "../provider/ProviderHttp.js"
import type { SharedAnswers } from "../provider/SharedAnswers.js"
import type { SharedSlot } from "../provider/SharedSlot.js"

export interface DumpTitle {
  readonly aid: number
  readonly title: string
  readonly kind: string
  readonly language: string
}

/** Lower case, compatibility forms folded, only letters and digits: "Shingeki no Kyojin!" -> "shingekinokyojin". */
export const normalizeTitle = (title: string) => title.normalize("NFKC").toLowerCase().replace(/[^\p{L}\p{N}]/gu, "")

const ANIME = /<anime\s+aid="(\d+)"\s*>([\s\S]*?)<\/anime>/g
const TITLE = /<title(\s[^>]*)?>([\s\S]*?)<\/title>/g

export const parseTitleDump = (xml: string): ReadonlyArray<DumpTitle> =>
  [...xml.matchAll(ANIME)].flatMap(([, aid, body]) =>
    [...(body ?? "").matchAll(TITLE)].map(([, attributes, title]) => ({
      aid: Number(aid), title: decodeEntities(title ?? "").trim(), kind: attribute(attributes ?? "", "type") ?? "", language: attribute(attributes ?? "", "xml:lang") ?? ""
    })).filter((t) => t.title !== ""))

/** Main and official titles count before synonyms and short ones. */
const RANK: Readonly<Record<string, number>> = { main: 0, official: 0, syn: 1, synonym: 1, short: 2 }
const KEY = "titles-dump"
const CHUNK = 5_000
const decodeMatches = decodeRows(Schema.Struct({ aid: Schema.Number, kind: Schema.String }))

export const makeAnidbTitles = (deps: {
  readonly endpoint: ProviderEndpoint
  readonly slot: SharedSlot
  readonly answers: SharedAnswers
  readonly url: string
  readonly maxAge: Duration.Duration
}) =>
  Effect.map(PgClient.PgClient, (sql) => {
    const unavailable = (e: DatabaseError) => new ProviderUnavailable({ provider: "anidb", message: `title dump unavailable: ${e.message}` })
    const fresh = Effect.map(deps.answers.get(KEY, deps.maxAge), Option.isSome)
    const store = (titles: ReadonlyArray<DumpTitle>) =>
      Effect.gen(function* () {
        yield* sql`DELETE FROM anidb_titles`
        for (let i = 0; i < titles.length; i += CHUNK) {
          const rows = titles.slice(i, i + CHUNK).map((t) => ({ a: t.aid, t: t.title, n: normalizeTitle(t.title), k: t.kind, l: t.language }))
          yield* sql`
            INSERT INTO anidb_titles (aid, title, normalized, kind, language)
            SELECT x.a, x.t, x.n, x.k, x.l FROM jsonb_to_recordset(${jsonb(rows)}::jsonb) AS x(a int, t text, n text, k text, l text)
          `
        }
        yield* deps.answers.put(KEY, String(titles.length))
      }).pipe(sql.withTransaction, wrapSql("anidb.storeTitles"))
    /** The dump, downloaded when the kept one is a day old (one node at a time, in the shared slot). */
    const ensure: Effect.Effect<void, ProviderError> = Effect.gen(function* () {
      if (yield* fresh) return
      yield* deps.slot.take
      if (yield* fresh) return
      const fetched = yield* deps.endpoint.bytes(deps.url, 64 * 1024 * 1024)
      const xml = yield* Effect.try({
        try: () => new TextDecoder().decode(fetched.bytes[0] === 0x1f && fetched.bytes[1] === 0x8b ? gunzipSync(fetched.bytes) : fetched.bytes),
        catch: () => new ProviderUnavailable({ provider: "anidb", message: "the title dump is not valid gzip" })
      })
      yield* store(parseTitleDump(xml))
    }).pipe(Effect.catchTag("DatabaseError", (e) => Effect.fail(unavailable(e))))
    return {
      /** The AniDB id whose titles name `title` alone, if one does. */
      match: (title: string): Effect.Effect<Option.Option<string>, ProviderError> =>
        Effect.gen(function* () {
          yield* ensure
          const found = yield* sql`SELECT DISTINCT aid, kind FROM anidb_titles WHERE normalized = ${normalizeTitle(title)}`.pipe(
            Effect.flatMap(decodeMatches), wrapSql("anidb.matchTitle"), Effect.mapError(unavailable))
          const best = Math.min(...found.map((f) => RANK[f.kind] ?? 3))
          const aids = [...new Set(found.filter((f) => (RANK[f.kind] ?? 3) === best).map((f) => f.aid))]
          return aids.length === 1 ? Option.fromNullable(aids[0]).pipe(Option.map(String)) : Option.none()
        })
    }
  })
