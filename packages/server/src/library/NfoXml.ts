/**
 * A small tolerant reader for Kodi/Jellyfin NFO documents: the root element and its direct children.
 * NFOs are flat (title, year, uniqueid...), hand-edited and often followed by a URL line, so this reads
 * what it needs rather than validating XML; a document whose tags do not nest is rejected.
 */

export interface NfoElement {
  readonly name: string
  readonly attributes: string
  /** raw inner text: entities still encoded, CDATA already turned into encoded text */
  readonly text: string
}

export interface NfoDocument {
  readonly root: string
  readonly children: ReadonlyArray<NfoElement>
}

const COMMENT = /<!--[\s\S]*?-->/g
const CDATA = /<!\[CDATA\[([\s\S]*?)\]\]>/g
const ROOT = /^\s*(?:<\?[\s\S]*?\?>\s*)*(?:<!DOCTYPE[^>]*>\s*)?<([A-Za-z_][\w.:-]*)(\s[^>]*)?>/
const TAG = /<(\/?)([A-Za-z_][\w.:-]*)(\s[^>]*?)?(\/?)>/g
const ENTITY = /&(amp|lt|gt|quot|apos|#\d{1,7}|#x[0-9a-f]{1,6});/gi
const NAMED: Readonly<Record<string, string>> = { amp: "&", lt: "<", gt: ">", quot: "\"", apos: "'" }

const encode = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")

/** XML entities: the five named ones and numeric references; anything else stays as written. */
export const decodeEntities = (text: string): string =>
  text.replace(ENTITY, (whole, name: string) => {
    const named = NAMED[name.toLowerCase()]
    if (named !== undefined) return named
    const code = name[1] === "x" || name[1] === "X" ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10)
    return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : whole
  })

/**
 * The root element and its direct children, or null when the tags do not nest or the root is unclosed.
 * `closing`: which closing tag of the root's name ends it: the first (multi-episode NFOs are several
 * documents in one file) or the last (documents nesting elements of the root's name, AniDB's anime).
 */
export const readNfoDocument = (xml: string, closing: "first" | "last" = "first"): NfoDocument | null => {
  const source = xml.replace(/^\uFEFF/, "").replace(COMMENT, "").replace(CDATA, (_, text: string) => encode(text))
  const root = ROOT.exec(source)
  if (root === null || root[1] === undefined) return null
  const rootName = root[1]
  const close = closing === "first" ? source.indexOf(`</${rootName}>`, root[0].length) : source.lastIndexOf(`</${rootName}>`)
  if (close < root[0].length) return null
  const body = source.slice(root[0].length, close)
  const children: Array<NfoElement> = []
  const open: Array<string> = []
  let current: { name: string; attributes: string; start: number } | null = null
  for (const tag of body.matchAll(TAG)) {
    const [whole, slash, name = "", attributes = "", selfClosing] = tag
    if (slash === "/") {
      if (open.pop() !== name) return null
      if (open.length === 0 && current !== null) {
        children.push({ name: current.name, attributes: current.attributes, text: body.slice(current.start, tag.index) })
        current = null
      }
    } else if (selfClosing === "/") {
      if (open.length === 0) children.push({ name, attributes, text: "" })
    } else {
      if (open.length === 0) current = { name, attributes, start: tag.index + whole.length }
      open.push(name)
    }
  }
  return open.length === 0 ? { root: rootName, children } : null
}

/** An attribute's value from an element's attribute text (`type="tmdb" default="true"`). */
export const attribute = (attributes: string, name: string): string | null => {
  const m = new RegExp(`(?:^|\\s)${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`, "i").exec(attributes)
  return m === null ? null : decodeEntities(m[1] ?? m[2] ?? "")
}
