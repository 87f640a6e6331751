/**
 * Episode numbering in a file name, tried in the order Kodi and Jellyfin trust them: S01E02 (with
 * multi-episode forms), "Season 1 Episode 2", air dates, 1x02, "Episode 2", then a bare (absolute) number.
 */
import { afterTitle, isSceneStyle, junkIndex, tidyTitle } from "./NameTokens.js"

export interface EpisodeNumbering {
  /** the season the file name states (S01E02, 1x02); null when it states none */
  readonly season: number | null
  readonly episodes: ReadonlyArray<number>
  readonly absoluteEpisode: number | null
  readonly airDate: string | null
  /** where the numbering ends in the name: part and episode title follow; null when none was found */
  readonly end: number | null
}

// A dash between two numbers is a range (Sonarr "S01E01-E03" is 1, 2 and 3); longer ones are not ranges.
const MAX_RANGE = 30

const S_E = /(?<![\p{L}\p{N}])S(\d{1,4})[ ._-]*E(\d{1,4})(?!\d)/iu
// Groups: 1 dash, 2 number | 3 dash, 4 number. E02, -E02, .S01E02, -02 (not -720p).
const S_E_NEXT = /(-)?[ ._]?(?:S\d{1,4}[ ._-]*)?E(\d{1,4})(?!\d)|(-)(\d{1,4})(?![\dpi])/iy
const WORDS = /(?<![\p{L}\p{N}])season[ ._-]?(\d{1,4})[ ._-]*episode[ ._-]?(\d{1,4})(?!\d)/iu
const YMD = /(?<!\d)((?:19|20)\d\d)[-._ ](\d\d)[-._ ](\d\d)(?!\d)/
const DMY = /(?<!\d)(\d\d)[-._ ](\d\d)[-._ ]((?:19|20)\d\d)(?!\d)/
// 1x02 but not 1920x1080: one or two digits after a boundary.
const X_FORM = /(?<![\p{L}\p{N}])(\d{1,2})x(\d{1,3})(?![\dp])/iu
const X_NEXT = /(-)?(?:\d{1,2})?x(\d{1,3})(?![\dp])|(-)(\d{1,3})(?![\dpi])/iy
const EP_WORD = /(?<![\p{L}\p{N}])(?:(?:episode|ep)[ ._-]?|e)(\d{1,4})(?![\d\p{L}])/iu
const LEADING_GROUPS = /^\s*(?:\[[^\]]*\]\s*)+/
const SKIP_YEAR = /^[ ._-]*[([](?:19|20)\d\d[)\]]/
const ABS_LEAD = /^[ ._-]*(?:#|(?:episode|ep|e)[ ._]?)?(\d{1,4})(?:v\d)?(?=$|[ ._\-[(])/i
const ABS_DASHED = / - (\d{1,4})(?:v\d)?(?= - |\s*[[(]|\s*$)/
// Sonarr anime naming puts the absolute number after SxxEyy, zero-padded: "S01E05 - 005 - Title".
const ABS_AFTER_SE = /^[ ._]*-[ ._]*(\d{3,4})(?:v\d)?(?=[ ._]*(?:-|\[|\(|$))/
const PART_HEAD = /^[ ._-]*(?:part|pt|cd|dis[ck])[ ._-]*(\d{1,2})(?![\d\p{L}])/iu

const none: EpisodeNumbering = { season: null, episodes: [], absoluteEpisode: null, airDate: null, end: null }
// Plain literals, not spreads of `none`: object spread is the slow path in this hot loop.
const numbered = (season: number | null, episodes: ReadonlyArray<number>, end: number): EpisodeNumbering =>
  ({ season, episodes, absoluteEpisode: null, airDate: null, end })

/** Follow-on episode numbers after the first (E01E02, E01-E03, 1x02x03), and where they end. */
const following = (name: string, first: number, from: number, next: RegExp) => {
  const episodes = [first]
  let end = from
  next.lastIndex = from
  for (let m = next.exec(name); m !== null; m = next.exec(name)) {
    const last = episodes[episodes.length - 1] ?? first
    const n = Number(m[2] ?? m[4])
    const dash = m[1] !== undefined || m[3] !== undefined
    if (n <= last || (dash && n - last > MAX_RANGE)) break
    if (dash) for (let e = last + 1; e <= n; e++) episodes.push(e)
    else episodes.push(n)
    end = next.lastIndex
  }
  return { episodes, end }
}

const validDate = (y: number, m: number, d: number) =>
  m >= 1 && m <= 12 && d >= 1 && d <= new Date(Date.UTC(y, m, 0)).getUTCDate()

const airDate = (name: string): { date: string; end: number } | null => {
  const ymd = YMD.exec(name)
  if (ymd !== null && validDate(Number(ymd[1]), Number(ymd[2]), Number(ymd[3]))) {
    return { date: `${ymd[1]}-${ymd[2]}-${ymd[3]}`, end: ymd.index + ymd[0].length }
  }
  const dmy = DMY.exec(name)
  if (dmy !== null && validDate(Number(dmy[3]), Number(dmy[2]), Number(dmy[1]))) {
    return { date: `${dmy[3]}-${dmy[2]}-${dmy[1]}`, end: dmy.index + dmy[0].length }
  }
  return null
}

/** A four-digit 19xx/20xx number is a year, not an episode. */
const episodeLike = (digits: string) => !/^(?:19|20)\d\d$/.test(digits)

/** Anime style: "Show - 001 - Title", "[Group] Show 1071 (1080p)", "001 - Title". */
const absolute = (name: string, seriesTitle: string): { n: number; end: number } | null => {
  const stripped = name.replace(LEADING_GROUPS, "")
  const offset = name.length - stripped.length
  const after = afterTitle(stripped, seriesTitle)
  if (after !== null) {
    const year = SKIP_YEAR.exec(after)
    const tail = year === null ? after : after.slice(year[0].length)
    const lead = ABS_LEAD.exec(tail)
    if (lead !== null && episodeLike(lead[1] ?? "")) {
      return { n: Number(lead[1]), end: name.length - tail.length + lead[0].length }
    }
  }
  const dashed = ABS_DASHED.exec(name)
  if (dashed !== null && episodeLike(dashed[1] ?? "")) {
    return { n: Number(dashed[1]), end: dashed.index + dashed[0].length }
  }
  const lead = ABS_LEAD.exec(stripped)
  if (lead !== null && episodeLike(lead[1] ?? "")) return { n: Number(lead[1]), end: offset + lead[0].length }
  return null
}

/** The numbering in a file name (without extension, NFC). */
export const findNumbering = (name: string, seriesTitle: string): EpisodeNumbering => {
  const se = S_E.exec(name)
  if (se !== null) {
    const { end, episodes } = following(name, Number(se[2]), se.index + se[0].length, S_E_NEXT)
    const abs = ABS_AFTER_SE.exec(name.slice(end))
    if (abs === null || !episodeLike(abs[1] ?? "")) return numbered(Number(se[1]), episodes, end)
    return { season: Number(se[1]), episodes, absoluteEpisode: Number(abs[1]), airDate: null, end: end + abs[0].length }
  }
  const words = WORDS.exec(name)
  if (words !== null) {
    return numbered(Number(words[1]), [Number(words[2])], words.index + words[0].length)
  }
  const date = airDate(name)
  if (date !== null) return { season: null, episodes: [], absoluteEpisode: null, airDate: date.date, end: date.end }
  const x = X_FORM.exec(name)
  if (x !== null) {
    const { end, episodes } = following(name, Number(x[2]), x.index + x[0].length, X_NEXT)
    return numbered(Number(x[1]), episodes, end)
  }
  const ep = EP_WORD.exec(name)
  if (ep !== null) return numbered(null, [Number(ep[1])], ep.index + ep[0].length)
  // A bare number is reported both ways: the matcher decides whether it counts within the season.
  const abs = absolute(name, seriesTitle)
  if (abs !== null) return { season: null, episodes: [abs.n], absoluteEpisode: abs.n, airDate: null, end: abs.end }
  return none
}

/** The split part ("S02E03 Part 1") and episode title that follow the numbering. */
export const episodeTail = (name: string, end: number): { part: number | null; title: string | null } => {
  let tail = name.slice(end)
  const part = PART_HEAD.exec(tail)
  if (part !== null) tail = tail.slice(part[0].length)
  const scene = isSceneStyle(name)
  const spaced = " " + (scene ? tail.replace(/[._]/g, " ") : tail).replace(/^[\s._,:–—-]+/, "")
  const title = tidyTitle(spaced.slice(0, junkIndex(spaced, scene)))
  return { part: part === null ? null : Number(part[1]), title: title === "" ? null : title }
}
