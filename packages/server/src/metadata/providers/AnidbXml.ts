/**
 * AniDB's HTTP API answers (https://wiki.anidb.net/HTTP_API_Definition): `<anime id=..>` with its type,
 * dates, titles (`xml:lang`, `type` main/official/synonym/short), description, ratings (permanent and
 * temporary, 0-10 with a `count`), picture, resources (external ids: type 1 ANN, 2 MyAnimeList, 43 IMDb,
 * 44 TMDb) and episodes (`<epno type>`: 1 regular, 2 special, 3 credits, 4 trailer, 5 parody, 6 other).
 * Errors come as HTTP 200 with `<error>`: `Banned`, `Anime not found`, `client version missing or invalid`.
 * Read with the tolerant element reader of NFO files, one level at a time.
 */
import { Option } from "effect"
import { decodeEntities, attribute, type NfoElement, readNfoDocument } from "../../library/NfoXml.js"

export interface AnidbTitle {
  readonly language: string
  readonly type: string
  readonly title: string
}

export interface AnidbEpisode {
  readonly id: string
  /** 1 regular, 2 special, 3 credits, 4 trailer, 5 parody, 6 other. */
  readonly type: number
  readonly number: number
  readonly lengthMinutes: number | null
  readonly airDate: string | null
  readonly rating: number | null
  readonly titles: ReadonlyArray<AnidbTitle>
  readonly summary: string | null
}

export interface AnidbAnime {
  readonly id: string
  readonly type: string | null
  readonly episodeCount: number | null
  readonly startDate: string | null
  readonly endDate: string | null
  readonly titles: ReadonlyArray<AnidbTitle>
  readonly url: string | null
  readonly description: string | null
  readonly rating: { readonly value: number; readonly votes: number } | null
  readonly picture: string | null
  /** External ids by AniDB's resource type. */
  readonly resources: ReadonlyMap<number, ReadonlyArray<string>>
  readonly episodes: ReadonlyArray<AnidbEpisode>
}

export type AnidbAnswer =
  | { readonly kind: "anime"; readonly anime: AnidbAnime }
  | { readonly kind: "error"; readonly code: string | null; readonly message: string }
  | { readonly kind: "unreadable" }

const children = (element: NfoElement | undefined): ReadonlyArray<NfoElement> =>
  element === undefined ? [] : readNfoDocument(`<x>${element.text}</x>`, "last")?.children ?? []
const named = (list: ReadonlyArray<NfoElement>, name: string) => list.filter((e) => e.name === name)
const text = (element: NfoElement | undefined): string | null => {
  if (element === undefined) return null
  const value = decodeEntities(element.text.replace(/<[^>]*>/g, "")).trim()
  return value === "" ? null : value
}
const number = (element: NfoElement | undefined): number | null => {
  const value = Number(text(element) ?? NaN)
  return Number.isFinite(value) ? value : null
}
const day = (value: string | null) => (value !== null && /^\d{4}-\d{2}-\d{2}$/.test(value) ? value : null)

const titlesOf = (list: ReadonlyArray<NfoElement>): ReadonlyArray<AnidbTitle> =>
  named(list, "title").flatMap((t) => {
    const title = text(t)
    return title === null ? [] : [{ language: attribute(t.attributes, "xml:lang") ?? "", type: attribute(t.attributes, "type") ?? "", title }]
  })

/** AniDB's links in descriptions (`http://anidb.net/cr123 [Name]`) as their text. */
export const plainDescription = (value: string | null): string | null =>
  value === null ? null : value.replace(/https?:\/\/anidb\.net\/\S+ \[([^\]]*)\]/g, "$1").trim()

const episodeOf = (element: NfoElement): ReadonlyArray<AnidbEpisode> => {
  const fields = children(element)
  const epno = named(fields, "epno")[0]
  const raw = text(epno) ?? ""
  // Regular episodes are numbers; the others carry a letter prefix (S1, C1, T1, P1, O1).
  const numberPart = Number(raw.replace(/^[A-Z]/, ""))
  const type = Number(epno === undefined ? NaN : attribute(epno.attributes, "type") ?? NaN)
  const rating = named(fields, "rating")[0]
  return Number.isInteger(numberPart) && Number.isInteger(type)
    ? [{
      id: attribute(element.attributes, "id") ?? raw,
      type,
      number: numberPart,
      lengthMinutes: number(named(fields, "length")[0]),
      airDate: day(text(named(fields, "airdate")[0])),
      rating: number(rating),
      titles: titlesOf(fields),
      summary: plainDescription(text(named(fields, "summary")[0]))
    }]
    : []
}

export const parseAnidb = (xml: string): AnidbAnswer => {
  const document = readNfoDocument(xml, "last")
  if (document === null) return { kind: "unreadable" }
  if (document.root === "error") {
    const source = xml.replace(/^[\s\S]*?<error/, "<error")
    const code = /<error\s+code="(\d+)"/.exec(source)?.[1] ?? null
    return { kind: "error", code, message: decodeEntities(/<error[^>]*>([\s\S]*?)<\/error>/.exec(source)?.[1] ?? "").trim() }
  }
  if (document.root !== "anime") return { kind: "unreadable" }
  const id = /<anime\s[^>]*\bid="(\d+)"/.exec(xml)?.[1]
  if (id === undefined) return { kind: "unreadable" }
  const top = document.children
  const first = (name: string) => named(top, name)[0]
  const ratings = first("ratings")
  const permanent = named(children(ratings), "permanent")[0]
  const permanentValue = number(permanent)
  const resources = new Map<number, ReadonlyArray<string>>()
  for (const resource of named(children(first("resources")), "resource")) {
    const type = Number(attribute(resource.attributes, "type") ?? NaN)
    const identifiers = named(children(resource), "externalentity").flatMap((entity) =>
      named(children(entity), "identifier").flatMap((i) => Option.toArray(Option.fromNullable(text(i)))))
    if (Number.isInteger(type)) resources.set(type, [...(resources.get(type) ?? []), ...identifiers])
  }
  return {
    kind: "anime",
    anime: {
      id,
      type: text(first("type")),
      episodeCount: number(first("episodecount")),
      startDate: day(text(first("startdate"))),
      endDate: day(text(first("enddate"))),
      titles: titlesOf(children(first("titles"))),
      url: text(first("url")),
      description: plainDescription(text(first("description"))),
      rating: permanentValue === null || permanent === undefined ? null : { value: permanentValue, votes: Number(attribute(permanent.attributes, "count") ?? 0) },
      picture: text(first("picture")),
      resources,
      episodes: named(children(first("episodes")), "episode").flatMap(episodeOf)
    }
  }
}
