/**
 * What the library walker leaves alone, decided on names only (no I/O): extras and sample folders
 * (Jellyfin, Kodi and Plex conventions), NAS/OS system folders, hidden and system files, incomplete
 * downloads and anything that is not a video by extension.
 */

/**
 * Video containers ffprobe/ffmpeg read directly. Disc images (.iso, .img) and the files of disc
 * structures (.vob, .ifo) are left out: a VIDEO_TS or BDMV folder is one item as a whole (Disc.ts).
 */
export const VIDEO_EXTENSIONS: ReadonlySet<string> = new Set([
  ".3gp", ".3g2", ".asf", ".avi", ".divx", ".f4v", ".flv", ".m2ts", ".m2v", ".m4v", ".mk3d", ".mkv", ".mov",
  ".mp4", ".mpe", ".mpeg", ".mpg", ".mts", ".mxf", ".ogm", ".ogv", ".rmvb", ".ts", ".webm", ".wmv", ".wtv"
])

/** Jellyfin extras folders, plus the singular/scene/Kodi/Plex forms people use. Lower-case. */
const EXTRAS_DIRS = new Set([
  "behind the scenes", "deleted scenes", "interviews", "scenes", "samples", "sample", "shorts", "featurettes",
  "clips", "other", "others", "extras", "extra", "trailers", "trailer", "theme-music", "backdrops",
  "extrafanart", "extrathumbs"
])

/** NAS, OS and disc-structure folders never walked into (a disc folder is one item: Disc.ts). Lower-case. */
const SYSTEM_DIRS = new Set([
  "@eadir", "@recycle", "@recently-snapshot", "@tmp", "#recycle", "#snapshot", "$recycle.bin",
  "system volume information", "lost+found", "video_ts", "audio_ts", "bdmv", "certificate"
])

const SYSTEM_FILES = new Set(["thumbs.db", "desktop.ini", "ehthumbs.db", "ehthumbs_vista.db", "icon\r"])

/** Directory names the walker must not descend into (extras, samples, system/hidden): decided on the name alone. */
export const isSkippedDirectory = (name: string): boolean => {
  if (name.startsWith(".")) return true // hidden, .actors (Kodi), .AppleDouble, .@__thumb (QNAP)
  const lower = name.toLowerCase()
  // Jellyfin writes "<video name>.trickplay" folders of images beside the media.
  return EXTRAS_DIRS.has(lower) || SYSTEM_DIRS.has(lower) || lower.endsWith(".trickplay")
}

/** A file of one of these names in a folder keeps that folder (and all below it) out of scans. Lower-case. */
const EXCLUDE_MARKERS = new Set([".ignore", ".nomedia"])

/** Whether a folder's file names include an exclusion marker (`.ignore`, `.nomedia`, any case). */
export const hasExcludeMarker = (names: Iterable<string>): boolean => {
  for (const name of names) if (EXCLUDE_MARKERS.has(name.toLowerCase())) return true
  return false
}

/** The extension of a file name, lower-case with its dot ("" when none). */
export const extensionOf = (name: string): string => {
  const dot = name.lastIndexOf(".")
  return dot <= 0 ? "" : name.slice(dot).toLowerCase()
}

/** Why a file is not a candidate, or null when it is one. */
export const fileSkipReason = (name: string, extensions: ReadonlySet<string>): string | null => {
  if (name.startsWith(".")) return "hidden file" // also .DS_Store and ._ AppleDouble files
  if (SYSTEM_FILES.has(name.toLowerCase())) return "system file"
  const ext = extensionOf(name)
  // Incomplete downloads (.part, .!qB, .crdownload, .aria2...) fall out here: never a video extension.
  if (!extensions.has(ext)) return ext === "" ? "no file extension" : `not a video file (${ext})`
  // Extras (trailers, samples, featurettes) are never items: the walker and the watcher skip them too.
  return extraReason(name.slice(0, name.length - ext.length))
}

/** Files skipped before parsing: hidden (leading dot), system files, incomplete downloads, non-video extensions (given the allowed extension set), extras. */
export const isCandidateFile = (name: string, extensions: ReadonlySet<string>): boolean =>
  fileSkipReason(name, extensions) === null

// Jellyfin's extra rules: whole names, "[-._ ]trailer|sample" suffixes and "-<type>" suffixes.
const EXTRA_NAME = /^(?:trailer|sample|theme)$/i
const EXTRA_SUFFIX =
  /(?:[-._ ](trailer|sample)|-(scene|clip|behindthescenes|deleted|deletedscene|featurette|short|interview|other|extra))$/i

/** Why a video (name without extension) is an extra rather than an item, or null. */
export const extraReason = (base: string): string | null => {
  if (EXTRA_NAME.test(base)) return `extra file "${base}"`
  const suffix = EXTRA_SUFFIX.exec(base)
  return suffix === null ? null : `extra (suffix "${suffix[0]}")`
}
