/**
 * Language tags to ISO 639-2/T three-letter codes, so an embedded `fre` track, an `fr` sidecar and a
 * `French` file name all compare equal (`fra`). Matroska files often carry the bibliographic codes
 * (`fre`, `ger`), sidecar names the two-letter ones. `und` and friends mean "not known": null.
 */

// [639-1, 639-2/T, English name, 639-2/B when it differs]
const TABLE: ReadonlyArray<readonly [string, string, string, string?]> = [
  ["en", "eng", "english"], ["fr", "fra", "french", "fre"], ["de", "deu", "german", "ger"],
  ["es", "spa", "spanish"], ["it", "ita", "italian"], ["pt", "por", "portuguese"],
  ["nl", "nld", "dutch", "dut"], ["sv", "swe", "swedish"], ["no", "nor", "norwegian"],
  ["nb", "nob", "bokmal"], ["nn", "nno", "nynorsk"], ["da", "dan", "danish"], ["fi", "fin", "finnish"],
  ["is", "isl", "icelandic", "ice"], ["pl", "pol", "polish"], ["cs", "ces", "czech", "cze"],
  ["sk", "slk", "slovak", "slo"], ["sl", "slv", "slovenian"], ["hu", "hun", "hungarian"],
  ["ro", "ron", "romanian", "rum"], ["el", "ell", "greek", "gre"], ["tr", "tur", "turkish"],
  ["ru", "rus", "russian"], ["uk", "ukr", "ukrainian"], ["bg", "bul", "bulgarian"],
  ["hr", "hrv", "croatian"], ["sr", "srp", "serbian"], ["mk", "mkd", "macedonian", "mac"],
  ["sq", "sqi", "albanian", "alb"], ["et", "est", "estonian"], ["lv", "lav", "latvian"],
  ["lt", "lit", "lithuanian"], ["ca", "cat", "catalan"], ["eu", "eus", "basque", "baq"],
  ["gl", "glg", "galician"], ["ga", "gle", "irish"], ["cy", "cym", "welsh", "wel"],
  ["hy", "hye", "armenian", "arm"], ["ka", "kat", "georgian", "geo"], ["ar", "ara", "arabic"],
  ["he", "heb", "hebrew"], ["fa", "fas", "persian", "per"], ["hi", "hin", "hindi"], ["bn", "ben", "bengali"],
  ["ta", "tam", "tamil"], ["te", "tel", "telugu"], ["ur", "urd", "urdu"], ["th", "tha", "thai"],
  ["vi", "vie", "vietnamese"], ["id", "ind", "indonesian"], ["ms", "msa", "malay", "may"],
  ["tl", "tgl", "tagalog"], ["zh", "zho", "chinese", "chi"], ["ja", "jpn", "japanese"], ["ko", "kor", "korean"]
]

const KNOWN: ReadonlyMap<string, string> = new Map(
  TABLE.flatMap(([two, three, name, bibliographic]) => [
    [two, three] as const,
    [three, three] as const,
    [name, three] as const,
    ...(bibliographic === undefined ? [] : [[bibliographic, three] as const])
  ])
)

// Codes that say "no language" rather than naming one.
const UNKNOWN = new Set(["und", "unk", "mis", "mul", "zxx", "xx", "non", "none"])

// `pt-BR`, `en_US`, `zh-Hans` name the language before the separator.
const base = (tag: string): string => tag.trim().toLowerCase().split(/[-_]/)[0] ?? ""

/** A tag we recognise (`en`, `eng`, `fre`, `English`, `pt-BR`) as its 639-2/T code, else null. */
export const knownLanguage = (tag: string): string | null => KNOWN.get(base(tag)) ?? null

/**
 * An embedded track's language tag: known tags normalised, any other three-letter code kept as given,
 * `und` and unreadable tags null.
 */
export const normaliseLanguage = (tag: string | undefined): string | null => {
  if (tag === undefined) return null
  const code = base(tag)
  if (UNKNOWN.has(code)) return null
  return KNOWN.get(code) ?? (/^[a-z]{3}$/.test(code) ? code : null)
}
