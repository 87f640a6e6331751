/**
 * Kodi/Jellyfin `.nfo` files beside the media: ids and titles there are the user's word and override
 * what the file name says.
 */
import { Effect } from "effect"
import * as Fs from "node:fs/promises"
import * as Path from "node:path"
import type { ParsedPath, ProviderIds } from "./ParsedPath.js"
import { idsOf, parseName, stackTail } from "./NameTokens.js"
import { attribute, decodeEntities, type NfoElement, readNfoDocument } from "./NfoXml.js"

export interface NfoData {
  /**
   * Which document this is. An episode NFO's title and ids are the episode's, not the series': the
   * caller must not apply them to the series.
   */
  readonly kind: "movie" | "tvshow" | "episode"
  readonly title: string | null
  readonly year: number | null
  readonly providerIds: ProviderIds
  readonly season: number | null
  readonly episode: number | null
  readonly plot: string | null
}

const KINDS: Readonly<Record<string, NfoData["kind"]>> = { movie: "movie", tvshow: "tvshow", episodedetails: "episode" }

// Beyond this an .nfo is not an NFO (or not one worth reading on every scan).
const MAX_NFO_BYTES = 2 * 1024 * 1024

const textOf = (elements: ReadonlyArray<NfoElement>, name: string): string | null => {
  const element = elements.find((e) => e.name.toLowerCase() === name)
  if (element === undefined) return null
  // Markup inside a text field (a stray <br/> in a plot) is dropped, not kept as text.
  const text = decodeEntities(element.text.replace(/<[^>]*>/g, " ")).trim().normalize("NFC")
  return text === "" ? null : text
}

const count = (text: string | null): number | null => {
  if (text === null || !/^\d{1,5}$/.test(text)) return null // Kodi writes -1 for "not set"
  return Number(text)
}

const yearOf = (elements: ReadonlyArray<NfoElement>): number | null => {
  const year = textOf(elements, "year")
  if (year !== null && /^\d{4}$/.test(year)) return Number(year)
  for (const name of ["premiered", "aired", "releasedate"]) {
    const date = /^(\d{4})-\d\d-\d\d/.exec(textOf(elements, name) ?? "")
    if (date !== null) return Number(date[1])
  }
  return null
}

const valid = {
  tmdb: (id: string) => /^\d+$/.test(id),
  tvdb: (id: string) => /^\d+$/.test(id),
  imdb: (id: string) => /^tt\d+$/.test(id)
}

const providerIdsOf = (elements: ReadonlyArray<NfoElement>): ProviderIds => {
  const found: { tmdb?: string; imdb?: string; tvdb?: string } = {}
  const offer = (type: string, raw: string | null) => {
    const id = (raw ?? "").trim().toLowerCase()
    if (type === "tmdb" || type === "imdb" || type === "tvdb") {
      if (found[type] === undefined && valid[type](id)) found[type] = id
    }
  }
  // <uniqueid type="..."> first (current Kodi and Jellyfin), then the legacy elements.
  for (const e of elements) {
    if (e.name.toLowerCase() === "uniqueid") offer((attribute(e.attributes, "type") ?? "").toLowerCase(), textOf([e], "uniqueid"))
  }
  offer("tmdb", textOf(elements, "tmdbid"))
  offer("imdb", textOf(elements, "imdbid"))
  offer("tvdb", textOf(elements, "tvdbid"))
  offer("imdb", textOf(elements, "id")) // Kodi's old <id>: only its IMDb form is unambiguous
  return idsOf(found.tmdb, found.imdb, found.tvdb)
}

/** Pure; null when not an NFO we understand (a bare URL file, other roots, tags that do not nest). */
export const parseNfo = (xml: string): NfoData | null => {
  const doc = readNfoDocument(xml)
  const kind = doc === null ? undefined : KINDS[doc.root.toLowerCase()]
  if (doc === null || kind === undefined) return null
  const elements = doc.children
  return {
    kind,
    title: textOf(elements, "title"),
    year: yearOf(elements),
    providerIds: providerIdsOf(elements),
    season: count(textOf(elements, "season")),
    episode: count(textOf(elements, "episode")),
    plot: textOf(elements, "plot")
  }
}

/** Whether the movie sits in its own folder (where Kodi and Jellyfin read movie.nfo). */
const ownFolder = (itemDir: string, title: string): boolean => {
  const folder = parseName(Path.basename(itemDir))
  return folder.title !== "" && folder.title.toLowerCase() === title.toLowerCase()
}

/** The NFO files that apply to a media file, most specific first: `<file basename>.nfo`, then `movie.nfo` (movie folder) or `tvshow.nfo` (series folder). */
export const nfoCandidates = (parsed: ParsedPath, path: string): ReadonlyArray<string> => {
  if (parsed.kind === "ignore") return []
  const dir = Path.dirname(path)
  const base = Path.basename(path, Path.extname(path))
  const candidates = [Path.join(dir, `${base}.nfo`)]
  if (parsed.kind === "episode") return [...candidates, Path.join(parsed.seriesDir, "tvshow.nfo")]
  // Kodi names a stacked movie's NFO after the stack: "Avatar (2009)-cd1.avi" → "Avatar (2009).nfo".
  const stack = parsed.part === null ? null : stackTail(base).rest.trimEnd()
  if (stack !== null && stack !== "" && stack !== base) candidates.push(Path.join(dir, `${stack}.nfo`))
  if (ownFolder(parsed.itemDir, parsed.title)) candidates.push(Path.join(parsed.itemDir, "movie.nfo"))
  return candidates
}

/** UTF-8 unless a BOM or the XML declaration says otherwise (old NFOs are UTF-16 or Latin-1). */
const decodeText = (bytes: Uint8Array): string => {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder("utf-16le").decode(bytes)
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder("utf-16be").decode(bytes)
  const declared = /^\s*<\?xml[^>]*encoding\s*=\s*["']([\w-]+)["']/i.exec(new TextDecoder("latin1").decode(bytes.subarray(0, 200)))
  const label = declared?.[1]?.toLowerCase() ?? "utf-8"
  return new TextDecoder(label === "iso-8859-1" || label === "windows-1252" ? label : "utf-8").decode(bytes)
}

// Decoding is inside the promise: an unsupported declared encoding is an unreadable file, not a defect.
const readAndParse = (handle: Fs.FileHandle) =>
  Effect.tryPromise(async () => {
    const stat = await handle.stat()
    return stat.isFile() && stat.size <= MAX_NFO_BYTES ? parseNfo(decodeText(await handle.readFile())) : null
  })

/** Reads the file with node:fs/promises; missing/unreadable → null (never fails). */
export const readNfo = (path: string): Effect.Effect<NfoData | null> =>
  Effect.acquireUseRelease(
    Effect.tryPromise(() => Fs.open(path, "r")),
    readAndParse,
    (handle) => Effect.ignore(Effect.tryPromise(() => handle.close()))
  ).pipe(Effect.orElseSucceed(() => null))
