/**
 * The name parse shared by movie files, movie folders and series folders: provider id tags, edition,
 * title, year, a trailing stack part and what follows (version label, quality). Regexes are built once;
 * the scanner runs this for every file of a scan.
 */
import type { ProviderIds } from "./ParsedPath.js"

export interface NameInfo {
  /** NFC, separators tidied; may be "" when the name is only tags */
  readonly title: string
  readonly year: number | null
  readonly ids: ProviderIds
  readonly edition: string | null
  /** cd1 / disc 2 / part 3 at the end of the name, removed from title and rest */
  readonly part: number | null
  /** what follows title and year (version label, quality tags), untrimmed */
  readonly rest: string
}

// A year this far ahead is a title number ("Blade Runner 2049"), not a release year.
const MAX_YEAR = new Date().getUTCFullYear() + 3
const YEAR = "(?:18[89]\\d|19\\d\\d|20\\d\\d)"

const ID_TAG = /[[{]\s*(tmdbid|tmdb|imdbid|imdb|tvdbid|tvdb)\s*[-=]\s*([a-z0-9]+)\s*[\]}]/gi
const EDITION_TAG = /\{edition-([^}]*)\}/i
const LEADING_GROUPS = /^\s*(?:\[[^\]]*\]\s*)+(?=\S)/
// Jellyfin's stacking rule: the token ends the name (Avatar-cd1, Movie (2009) - Part 2, Film.disc.b).
const STACK_TAIL = /(?:(?<=[\])}])|[ _.-]+)[([]?(cd|dvd|part|pt|dis[ck])[ _.-]*(\d{1,2}|[a-d])[)\]]?$/i
// Cheap pre-check: most names have no stack token at all.
const MAY_STACK = /cd|dvd|pt|part|dis[ck]/i
const PAREN_YEAR = new RegExp(`[([](${YEAR})[)\\]]`, "g")
// A bare year needs a separator before it (so a leading "2001" is title) and is not part of a date.
const BARE_YEAR = new RegExp(`(?<=[ _.,-])(${YEAR})(?=$|[ _.,)\\]-])(?![ _.-]\\d\\d[ _.-]\\d\\d)`, "g")

const SEP = "[ _,.()\\[\\]-]"
const sepWords = (words: string) => new RegExp(`${SEP}(?:${words})(?=$|${SEP})`, "i")
/** Tags that are never part of a real title: resolution, source (Sonarr/Radarr quality names too), codec, season. */
const STRONG_JUNK = sepWords(
  "\\d{3,4}[pi]|4k|uhd|bluray|blu-ray|bdrip|brrip|bdremux|remux|web-?dl|webrip|hdtv|sdtv|raw-hd|br-disk|" +
    "dvd-r|dvd|hdrip|dvdrip|dvdscr|hdcam|x ?26[45]|h ?26[45]|hevc|xvid|divx|10bit|hdr10|dts(?:-hd)?|ac3|aac|truehd|" +
    "s\\d{1,2}(?:e\\d{1,3})?|season ?\\d{1,3}"
)
/** Kodi/Jellyfin cleanstrings for dotted release names, where short words are tags, not title. */
const SCENE_JUNK = sepWords(
  "3d|sbs|hsbs|htab|hdr|uhd|ac3|dts|custom|dc|divx|divx5|dsr|dsrip|dutch|dvd|dvdrip|dvdscr|dvdscreener|" +
    "screener|dvdivx|cam|fragment|fs|hdtv|hdrip|hdtvrip|internal|limited|multi|subs|ntsc|ogg|ogm|pal|pdtv|" +
    "proper|repack|rerip|retail|r5|bd5|bd|se|svcd|swedish|german|nfofix|unrated|ws|telesync|ts|telecine|tc|" +
    "web|amzn|complete|nf|dsnp|hmax|atvp|ddp?\\d?|eac3|atmos|avc|remastered|extended|imax"
)

/** Dotted/underscored release names have no spaces; only then are dots and underscores separators. */
export const isSceneStyle = (name: string): boolean => !/\s/.test(name) && /[._]/.test(name)

const sceneSpaces = (name: string) => (isSceneStyle(name) ? name.replace(/[._]/g, " ") : name)

/** Index where tags start (quality, source, brackets), or the length when there are none. */
export const junkIndex = (s: string, scene: boolean): number => {
  let cut = s.length
  const strong = STRONG_JUNK.exec(s)
  if (strong !== null) cut = strong.index
  if (scene) {
    const weak = SCENE_JUNK.exec(s)
    if (weak !== null && weak.index > 0) cut = Math.min(cut, weak.index)
  }
  const bracket = s.indexOf("[", 1)
  return bracket >= 0 ? Math.min(cut, bracket) : cut
}

const LEAD_TRIM = new Set([..." \t\n\r,_–—-"])
const TAIL_TRIM = new Set([..." \t\n\r,_–—-([{"])

/** One space between words; no separators, dashes or opening brackets at the ends. */
export const tidyTitle = (s: string): string => {
  let start = 0
  let end = s.length
  while (start < end && LEAD_TRIM.has(s.charAt(start))) start++
  while (end > start && TAIL_TRIM.has(s.charAt(end - 1))) end--
  const t = start === 0 && end === s.length ? s : s.slice(start, end)
  return /\s\s|[\t\n\r]/.test(t) ? t.replace(/\s+/g, " ") : t
}

const NO_IDS: ProviderIds = {}

const providerIds = (s: string): ProviderIds => {
  if (!s.includes("[") && !s.includes("{")) return NO_IDS
  let tmdb: string | undefined
  let imdb: string | undefined
  let tvdb: string | undefined
  for (const m of s.matchAll(ID_TAG)) {
    const key = (m[1] ?? "").toLowerCase()
    const value = m[2] ?? ""
    if (key.startsWith("tmdb") && /^\d+$/.test(value)) tmdb = value
    else if (key.startsWith("tvdb") && /^\d+$/.test(value)) tvdb = value
    else if (key.startsWith("imdb") && /^tt\d+$/i.test(value)) imdb = value.toLowerCase()
  }
  return idsOf(tmdb, imdb, tvdb)
}

/** Ids without undefined keys (tests and JSON compare them as written). */
export const idsOf = (tmdb: string | undefined, imdb: string | undefined, tvdb: string | undefined): ProviderIds => {
  const ids: { tmdb?: string; imdb?: string; tvdb?: string } = {}
  if (tmdb !== undefined) ids.tmdb = tmdb
  if (imdb !== undefined) ids.imdb = imdb
  if (tvdb !== undefined) ids.tvdb = tvdb
  return ids
}

const partNumber = (token: string): number => {
  const letter = "abcd".indexOf(token.toLowerCase())
  return letter >= 0 ? letter + 1 : Number(token)
}

interface YearHit { readonly year: number; readonly start: number; readonly end: number }

const findYear = (s: string, scene: boolean): YearHit | null => {
  let hit: YearHit | null = null
  for (const m of s.matchAll(PAREN_YEAR)) {
    const year = Number(m[1])
    if (m.index > 0 && year <= MAX_YEAR) hit = { year, start: m.index, end: m.index + m[0].length }
  }
  if (hit !== null) return hit
  // Bare years only before the tags: "Movie.2010.1080p", never the "2160" of a resolution.
  const limit = junkIndex(s, scene)
  for (const m of s.matchAll(BARE_YEAR)) {
    const year = Number(m[1])
    if (m.index < limit && year <= MAX_YEAR) hit = { year, start: m.index, end: m.index + m[0].length }
  }
  return hit
}

const titleAndRest = (s: string, scene: boolean) => {
  const year = findYear(s, scene)
  if (year !== null) return { title: tidyTitle(s.slice(0, year.start)), year: year.year, rest: s.slice(year.end) }
  const cut = junkIndex(s, scene)
  return { title: tidyTitle(s.slice(0, cut)), year: null, rest: s.slice(cut) }
}

/** Parse one file name (without extension) or folder name. */
export const parseName = (raw: string): NameInfo => {
  const nfc = raw.normalize("NFC")
  const ids = providerIds(nfc)
  const edition = EDITION_TAG.exec(nfc)
  let s = nfc.replace(ID_TAG, " ").replace(EDITION_TAG, " ")
  s = s.replace(LEADING_GROUPS, "")
  const scene = isSceneStyle(s)
  s = sceneSpaces(s).trimEnd()
  let part: number | null = null
  const stack = MAY_STACK.test(s) ? STACK_TAIL.exec(s) : null
  if (stack !== null) {
    const before = s.slice(0, stack.index)
    // "Part 2" is often title ("Deathly Hallows Part 2"): a stack token only after a year or id tag.
    const loose = /^p/i.test(stack[1] ?? "")
    if (!loose || findYear(before, scene) !== null || Object.keys(ids).length > 0) {
      s = before
      part = partNumber(stack[2] ?? "")
    }
  }
  const { title, year, rest } = titleAndRest(s, scene)
  return { title, year, ids, edition: edition === null ? null : tidyTitle(edition[1] ?? "") || null, part, rest }
}

/** A version label from what follows the title: "- 2160p" → "2160p", "- [Final Cut]" → "Final Cut". */
export const versionLabel = (rest: string): string | null => {
  const trimmed = rest.replace(/^[\s._,-]+|[\s_,-]+$/g, "")
  const inner = /^[[(]([^\])]*)[\])]$/.exec(trimmed)
  const label = (inner === null ? trimmed : (inner[1] ?? "")).trim()
  return label === "" ? null : label
}

const WORD_CHAR = /[\p{L}\p{N}]/u
/** Letters and digits only, lower-case: compares "One.Piece" with "One Piece". */
const alnum = (s: string) => s.toLowerCase().replace(/[^\p{L}\p{N}]/gu, "")

/**
 * The part of `name` after a leading `title` (compared on letters and digits only), or null when
 * the name does not start with it.
 */
export const afterTitle = (name: string, title: string): string | null => {
  const want = alnum(title)
  if (want === "") return null
  let matched = 0
  for (let i = 0; i < name.length; i++) {
    const ch = alnum(name[i] ?? "")
    if (ch === "") continue
    if (ch !== want.slice(matched, matched + ch.length)) return null
    matched += ch.length
    if (matched === want.length) {
      const rest = name.slice(i + 1)
      // Whole words only: "Aliens" does not start with the title "Alien".
      return WORD_CHAR.test(rest.charAt(0)) ? null : rest
    }
  }
  return null
}

/** A stack token ending `rest` (" Part 2", "-cd1"): its number, and the rest without it. */
export const stackTail = (rest: string): { readonly part: number | null; readonly rest: string } => {
  const m = STACK_TAIL.exec(rest)
  return m === null ? { part: null, rest } : { part: partNumber(m[2] ?? ""), rest: rest.slice(0, m.index) }
}
