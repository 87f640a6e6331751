import { describe, expect, it } from "@effect/vitest"
import { Effect, Schema } from "effect"
import { readFileSync } from "node:fs"
import * as Path from "node:path"
import {
  isCandidateFile,
  isSkippedDirectory,
  type LibraryKind,
  parseMediaPath,
  type ParsedPath,
  VIDEO_EXTENSIONS
} from "../../src/library/NameParser.js"
import { fixturesDir } from "@mediaserver/testkit/FakeHttp"

// The fixtures directory as every test finds it (FIXTURES_DIR, else the repository's own copy).
const fixturePath = Path.join(await Effect.runPromise(fixturesDir), "naming_cases.json")

const NamingCase = Schema.Struct({
  path: Schema.String,
  kind: Schema.Literal("movie", "episode", "ignore"),
  title: Schema.NullOr(Schema.String),
  year: Schema.NullOr(Schema.Number),
  season: Schema.NullOr(Schema.Number),
  episodes: Schema.NullOr(Schema.Array(Schema.Number)),
  providerIds: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.String })),
  part: Schema.optional(Schema.Number),
  airDate: Schema.optional(Schema.String),
  absoluteEpisode: Schema.optional(Schema.Number),
  note: Schema.String
})
type NamingCase = typeof NamingCase.Type

const cases = Schema.decodeUnknownSync(Schema.parseJson(Schema.Array(NamingCase)))(readFileSync(fixturePath, "utf8"))

const MOVIES = "/media/movies"
const TV = "/media/tv"
const libraryOf = (path: string): [LibraryKind, string] => path.startsWith(`${MOVIES}/`) ? ["movie", MOVIES] : ["tvshow", TV]
const parse = (path: string) => parseMediaPath(...libraryOf(path), path)

/**
 * The fixture's fields mapped onto ParsedPath. Fields a case leaves out are expected absent: null
 * (part, airDate, absoluteEpisode) or {} (providerIds). `episodes: null` (movies, the air-date case)
 * is the parser's empty array: episodes are never null.
 */
const expectCase = (c: NamingCase, parsed: ParsedPath) => {
  expect(parsed.kind).toBe(c.kind)
  if (parsed.kind === "movie") {
    expect({ title: parsed.title, year: parsed.year, providerIds: parsed.providerIds, part: parsed.part }).toEqual({
      title: c.title,
      year: c.year,
      providerIds: c.providerIds ?? {},
      part: c.part ?? null
    })
  } else if (parsed.kind === "episode") {
    expect({
      title: parsed.seriesTitle,
      year: parsed.seriesYear,
      season: parsed.season,
      episodes: parsed.episodes,
      providerIds: parsed.seriesProviderIds,
      part: parsed.part,
      airDate: parsed.airDate,
      absoluteEpisode: parsed.absoluteEpisode
    }).toEqual({
      title: c.title,
      year: c.year,
      season: c.season,
      episodes: c.episodes ?? [],
      providerIds: c.providerIds ?? {},
      part: c.part ?? null,
      airDate: c.airDate ?? null,
      absoluteEpisode: c.absoluteEpisode ?? null
    })
  }
}

describe("naming_cases.json", () => {
  it("has the 27 cases", () => {
    expect(cases).toHaveLength(27)
  })
  for (const c of cases) {
    it(`${c.kind}: ${c.path} (${c.note})`, () => {
      expectCase(c, parse(c.path))
    })
  }
})

const movie = (path: string) => {
  const parsed = parse(path)
  if (parsed.kind !== "movie") return expect.unreachable(`expected a movie, got ${JSON.stringify(parsed)}`)
  return parsed
}
const episode = (path: string) => {
  const parsed = parse(path)
  if (parsed.kind !== "episode") return expect.unreachable(`expected an episode, got ${JSON.stringify(parsed)}`)
  return parsed
}

describe("movies", () => {
  it("Jellyfin edition tag, and version labels after \" - \"", () => {
    const m = movie("/media/movies/Blade Runner (1982)/Blade Runner (1982) {edition-Director's Cut} - 1080p.mkv")
    expect([m.title, m.year, m.edition, m.version]).toEqual(["Blade Runner", 1982, "Director's Cut", "1080p"])
    expect(movie("/media/movies/Inception (2010)/Inception (2010) - 2160p.mkv").version).toBe("2160p")
    expect(movie("/media/movies/Blade Runner (1982)/Blade Runner (1982) - [Final Cut].mkv").version).toBe("Final Cut")
    expect(movie("/media/movies/The Matrix (1999)/The Matrix (1999).mkv").version).toBeNull()
  })

  it("Part 2 is a stack part after the year or in the movie's folder, but title when it is in the title", () => {
    expect(movie("/media/movies/Movie (2020)/Movie (2020) - Part 2.mkv").part).toBe(2)
    expect(movie("/media/movies/Movie (2020)/Movie Part 2.mkv").part).toBe(2)
    expect(movie("/media/movies/Movie (2020) Part 2.mkv").part).toBe(2)
    expect(movie("/media/movies/Movie (2010)/Movie (2010) - cd a.mkv").part).toBe(1)
    expect(movie("/media/movies/Movie (2010)/Movie (2010).disc2.mkv").part).toBe(2)
    const hallows = movie("/media/movies/Harry Potter and the Deathly Hallows Part 2 (2011).mkv")
    expect([hallows.title, hallows.year, hallows.part]).toEqual(["Harry Potter and the Deathly Hallows Part 2", 2011, null])
    const noYear = movie("/media/movies/Harry Potter and the Deathly Hallows Part 2.mkv")
    expect([noYear.title, noYear.part]).toEqual(["Harry Potter and the Deathly Hallows Part 2", null])
  })

  it("a disc folder inside the movie folder is a part of that movie", () => {
    const m = movie("/media/movies/Avatar (2009)/CD2/Avatar.avi")
    expect([m.title, m.year, m.part, m.itemDir]).toEqual(["Avatar", 2009, 2, "/media/movies/Avatar (2009)"])
  })

  it("itemDir: the movie's own folder, the root for a flat file, the holding folder for a grouping folder", () => {
    expect(movie("/media/movies/The Matrix (1999)/The Matrix (1999).mkv").itemDir).toBe("/media/movies/The Matrix (1999)")
    expect(movie("/media/movies/Heat (1995).mkv").itemDir).toBe("/media/movies")
    const grouped = movie("/media/movies/Collections/Heat (1995).mkv")
    expect([grouped.title, grouped.year, grouped.itemDir]).toEqual(["Heat", 1995, "/media/movies/Collections"])
  })

  it("a generic file name in a movie folder takes the folder's title; another movie's name keeps its own", () => {
    const generic = movie("/media/movies/The Matrix (1999)/movie.mkv")
    expect([generic.title, generic.year]).toEqual(["The Matrix", 1999])
    const other = movie("/media/movies/Alien (1979)/Aliens (1986).mkv")
    expect([other.title, other.year]).toEqual(["Aliens", 1986])
  })

  it("years: the last (YYYY), a bare year before the tags, never a future title number", () => {
    const scene = movie("/media/movies/Blade.Runner.2049.2017.1080p.BluRay.x264-SPARKS.mkv")
    expect([scene.title, scene.year]).toEqual(["Blade Runner 2049", 2017])
    const noYear = movie("/media/movies/Blade Runner 2049.mkv")
    expect([noYear.title, noYear.year]).toEqual(["Blade Runner 2049", null])
    const ww = movie("/media/movies/Wonder Woman 1984 (2020).mkv")
    expect([ww.title, ww.year]).toEqual(["Wonder Woman 1984", 2020])
    const tags = movie("/media/movies/Some.Movie.1080p.WEB-DL.mkv")
    expect([tags.title, tags.year]).toEqual(["Some Movie", null])
  })

  it("Plex-style and Emby-style id tags", () => {
    expect(movie("/media/movies/The Matrix (1999) {tmdb-603}/The Matrix (1999).mkv").providerIds).toEqual({ tmdb: "603" })
    expect(movie("/media/movies/The Matrix (1999) [tmdbid=603].mkv").providerIds).toEqual({ tmdb: "603" })
  })

  it("titles come out in NFC whatever the file system stores", () => {
    const decomposed = "/media/movies/Ame\u0301lie (2001)/Ame\u0301lie (2001).mkv"
    expect(movie(decomposed).title).toBe("Am\u00e9lie")
  })
})

describe("episodes", () => {
  it("multi-episode forms: S01E01E02E03, S01E01-02, S01E01-E03", () => {
    expect(episode("/media/tv/Show (2010)/Season 01/Show S01E01E02E03.mkv").episodes).toEqual([1, 2, 3])
    expect(episode("/media/tv/Show (2010)/Season 01/Show.S01E01-02.720p.mkv").episodes).toEqual([1, 2])
    expect(episode("/media/tv/Show (2010)/Season 01/Show S01E01-E03.mkv").episodes).toEqual([1, 2, 3])
    expect(episode("/media/tv/Show (2010)/Season 01/Show S01E01-S01E02.mkv").episodes).toEqual([1, 2])
  })

  it("1x02 style, with its multi-episode form, and not a 1920x1080 resolution", () => {
    const e = episode("/media/tv/Show (2010)/Season 01/Show 1x02 - Title.mkv")
    expect([e.season, e.episodes, e.episodeTitle]).toEqual([1, [2], "Title"])
    expect(episode("/media/tv/Show (2010)/Season 03/Show 3x02-3x03.mkv").episodes).toEqual([2, 3])
    expect(episode("/media/tv/Show (2010)/Season 01/Show - 1920x1080 thing.mkv").episodes).toEqual([])
  })

  it("season comes from the file when it says one, else from the folder", () => {
    expect(episode("/media/tv/Show (2010)/Season 01/Show S03E01.mkv").season).toBe(3)
    expect(episode("/media/tv/Show (2010)/Season 02/Show - Episode 12.mkv").season).toBe(2)
    expect(episode("/media/tv/Show (2010)/Show - Episode 12.mkv").season).toBeNull()
    expect(episode("/media/tv/Show (2010)/Season 00/Show S00E01.mkv").season).toBe(0)
    expect(episode("/media/tv/Show (2010)/Specials/Show - Episode 3.mkv").season).toBe(0)
    expect(episode("/media/tv/Show (2010)/Show Season 2/Show - Episode 3.mkv").season).toBe(2)
    expect(episode("/media/tv/Show (2010)/Staffel 4/Show - Episode 3.mkv").season).toBe(4)
    expect(episode("/media/tv/Show (2010)/Show.S03.1080p.BluRay-GRP/Show - Episode 3.mkv").season).toBe(3)
    expect(episode("/media/tv/Show (2010)/Season 2024/Show - Episode 3.mkv").season).toBe(2024)
  })

  it("series folders: id tags, country suffixes kept, scene names cut at the season", () => {
    const tagged = episode("/media/tv/Breaking Bad (2008) [tmdbid-1396] [tvdbid-81189]/Season 01/Breaking Bad S01E01.mkv")
    expect([tagged.seriesTitle, tagged.seriesYear, tagged.seriesProviderIds]).toEqual(["Breaking Bad", 2008, { tmdb: "1396", tvdb: "81189" }])
    expect(tagged.seriesDir).toBe("/media/tv/Breaking Bad (2008) [tmdbid-1396] [tvdbid-81189]")
    const scene = episode("/media/tv/Breaking.Bad.S01.1080p.BluRay.x264-GRP/Breaking.Bad.S01E01.1080p.mkv")
    expect([scene.seriesTitle, scene.seriesYear, scene.season, scene.episodes]).toEqual(["Breaking Bad", null, 1, [1]])
  })

  it("episode titles: Sonarr quality brackets and scene tags are not title", () => {
    expect(episode("/media/tv/Show (2010)/Season 01/Show.S01E01.Pilot.720p.HDTV.x264-GRP.mkv").episodeTitle).toBe("Pilot")
    expect(episode("/media/tv/Show (2010)/Season 01/Show - S01E01 - Pilot [WEBDL-1080p].mkv").episodeTitle).toBe("Pilot")
  })

  it("Sonarr quality names after the episode title are not title", () => {
    for (const quality of ["Bluray-1080p", "WEBDL-720p", "HDTV-720p", "SDTV", "DVD", "Raw-HD", "Bluray-2160p Remux"]) {
      expect(episode(`/media/tv/Show (2010)/Season 01/Show - S01E01 - Pilot ${quality}.mkv`).episodeTitle, quality).toBe("Pilot")
    }
  })

  it("Sonarr anime naming: SxxEyy followed by a padded absolute number", () => {
    const e = episode("/media/tv/One Piece (1999)/Season 01/One Piece - S01E05 - 005 - A Title.mkv")
    expect([e.season, e.episodes, e.absoluteEpisode, e.episodeTitle]).toEqual([1, [5], 5, "A Title"])
    expect(episode("/media/tv/Show (2010)/Season 01/Show - S01E05 - 1000 Ways to Die.mkv").absoluteEpisode).toBeNull()
  })

  it("anime release names: group tags, absolute number, hash", () => {
    const e = episode("/media/tv/One Piece/[SubsPlease] One Piece - 1071 (1080p) [E1A2B3C4].mkv")
    expect([e.seriesTitle, e.season, e.episodes, e.absoluteEpisode]).toEqual(["One Piece", null, [1071], 1071])
  })

  it("air dates, day-first too", () => {
    expect(episode("/media/tv/The Daily Show/The.Daily.Show.2024.03.11.720p.mkv").airDate).toBe("2024-03-11")
    expect(episode("/media/tv/Some News/Some News 11-03-2024.mkv").airDate).toBe("2024-03-11")
    expect(episode("/media/tv/Some News/Some News 2024-02-30.mkv").airDate).toBeNull()
  })

  it("a file straight in the TV root has no series folder", () => {
    expect(parse("/media/tv/Show.S01E01.mkv")).toEqual({ kind: "ignore", reason: "not inside a series folder" })
  })

  it("a file with no numbering is still an episode (reported unmatched), not silently dropped", () => {
    const e = episode("/media/tv/Show (2010)/Season 01/random name.mkv")
    expect([e.season, e.episodes, e.absoluteEpisode, e.airDate]).toEqual([1, [], null, null])
  })
})

describe("skipped files and folders", () => {
  const ignored = (path: string) => expect(parse(path).kind).toBe("ignore")

  it("hidden and system files", () => {
    ignored("/media/movies/Heat (1995)/.Heat (1995).mkv")
    ignored("/media/movies/Heat (1995)/._Heat (1995).mkv")
    expect(isCandidateFile(".DS_Store", VIDEO_EXTENSIONS)).toBe(false)
    expect(isCandidateFile("Thumbs.db", VIDEO_EXTENSIONS)).toBe(false)
    expect(isCandidateFile("desktop.ini", VIDEO_EXTENSIONS)).toBe(false)
  })

  it("incomplete downloads and non-video files", () => {
    for (const name of ["Heat.mkv.part", "Heat.mkv.!qB", "Heat.mkv.crdownload", "Heat.nfo", "Heat.srt", "Heat"]) {
      expect(isCandidateFile(name, VIDEO_EXTENSIONS), name).toBe(false)
    }
    expect(isCandidateFile("Heat (1995).MKV", VIDEO_EXTENSIONS)).toBe(true)
    expect(isCandidateFile("Heat (1995).iso", new Set([".iso"]))).toBe(true)
  })

  it("NAS, OS, Kodi and Jellyfin folders", () => {
    for (const name of ["@eaDir", ".actors", "extrafanart", "extrathumbs", "$RECYCLE.BIN", "#recycle", "lost+found", "Heat.trickplay", ".git"]) {
      expect(isSkippedDirectory(name), name).toBe(true)
    }
    ignored("/media/movies/Heat (1995)/@eaDir/Heat (1995).mkv")
    ignored("/media/movies/Heat (1995)/.actors/x.mkv")
  })

  it("Jellyfin extras folders, any case; Specials and Season folders are not extras", () => {
    const extras = ["behind the scenes", "Deleted Scenes", "interviews", "scenes", "samples", "Sample", "shorts",
      "Featurettes", "clips", "other", "extras", "Trailers", "theme-music", "backdrops"]
    for (const name of extras) expect(isSkippedDirectory(name), name).toBe(true)
    for (const name of ["Specials", "Season 01", "The Matrix (1999)", "Other People (2016)"]) {
      expect(isSkippedDirectory(name), name).toBe(false)
    }
  })

  it("extras by file name and suffix", () => {
    for (const name of ["trailer", "sample", "Heat-trailer", "Heat.trailer", "Heat_sample", "Heat-featurette",
      "Heat-behindthescenes", "Heat-deleted", "Heat-interview", "Heat-scene", "Heat-short", "Heat-other", "Heat-extra", "Heat-clip"]) {
      ignored(`/media/movies/Heat (1995)/${name}.mkv`)
    }
  })

  it("paths outside the root", () => {
    expect(parseMediaPath("movie", "/media/movies", "/media/moviesx/Heat (1995).mkv").kind).toBe("ignore")
    expect(parseMediaPath("movie", "/media/movies", "/elsewhere/Heat (1995).mkv").kind).toBe("ignore")
  })

  it("a root given with a trailing slash or a non-normalised path parses the same", () => {
    expect(parseMediaPath("movie", "/media/movies/", "/media/movies/Heat (1995).mkv")).toEqual(parse("/media/movies/Heat (1995).mkv"))
    expect(parseMediaPath("movie", "/media/movies", "/media/movies/x/../Heat (1995).mkv").kind).toBe("movie")
  })
})

const BACKTRACKING_DEADLINE_MS = 30_000

describe("cost", () => {
  // Names are user data: a regex that backtracks catastrophically on one would stall a whole scan.
  // Such a regex takes hours on these names, a linear one milliseconds: the deadline is far from
  // both, so it tells them apart on any machine (the parse's speed is not what is tested).
  it("pathological 240-character names parse in bounded time", () => {
    const shapes = ["a-", ".", "[", " - ", "_ ", "(", "1", "S01E01", "1x01-", "- 01 ", "part ", "2001 ", "a.1."]
    const started = performance.now()
    for (const shape of shapes) {
      const name = shape.repeat(240).slice(0, 240)
      for (let i = 0; i < 20; i++) {
        parseMediaPath("movie", MOVIES, `${MOVIES}/${name}/${name}.mkv`)
        parseMediaPath("tvshow", TV, `${TV}/${name}/Season 01/${name}.mkv`)
      }
    }
    expect(performance.now() - started).toBeLessThan(BACKTRACKING_DEADLINE_MS)
  })
})
