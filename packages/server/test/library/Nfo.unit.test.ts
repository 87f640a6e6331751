import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Fs from "node:fs/promises"
import * as Os from "node:os"
import * as Path from "node:path"
import { parseMediaPath } from "../../src/library/NameParser.js"
import { nfoCandidates, parseNfo, readNfo } from "../../src/library/Nfo.js"

const MOVIE_NFO = `<?xml version="1.0" encoding="UTF-8" standalone="yes" ?>
<!-- created by Kodi -->
<movie>
  <title>The Matrix &amp; Friends</title>
  <originaltitle>The Matrix</originaltitle>
  <set><name>The Matrix Collection</name><title>not the movie title</title></set>
  <plot><![CDATA[Neo <b>learns</b> the truth & more.]]></plot>
  <uniqueid type="imdb">tt0133093</uniqueid>
  <uniqueid type="tmdb" default="true">603</uniqueid>
  <premiered>1999-03-30</premiered>
  <actor><name>Keanu Reeves</name><role>Neo</role></actor>
  <fileinfo><streamdetails><video><codec>h264</codec></video></streamdetails></fileinfo>
</movie>
https://www.themoviedb.org/movie/603
`

const TVSHOW_NFO = `<?xml version="1.0" encoding="utf-8"?>
<tvshow>
  <title>Breaking Bad</title>
  <year>2008</year>
  <season>-1</season>
  <episode>-1</episode>
  <plot>A chemistry teacher&#8217;s turn &#x2014; &quot;Say my name&quot;.</plot>
  <tvdbid>81189</tvdbid>
  <imdb_id>tt0903747</imdb_id>
  <id>tt0903747</id>
</tvshow>`

const EPISODE_NFO = `<episodedetails>
  <title>Pilot</title>
  <season>1</season>
  <episode>1</episode>
  <aired>2008-01-20</aired>
  <uniqueid type="tvdb">349232</uniqueid>
  <plot />
</episodedetails>
<episodedetails><title>Second of a double episode</title><season>1</season><episode>2</episode></episodedetails>`

describe("parseNfo", () => {
  it("movie: title, year from premiered, uniqueid ids, CDATA plot; nested titles and a trailing URL ignored", () => {
    expect(parseNfo(MOVIE_NFO)).toEqual({
      kind: "movie",
      title: "The Matrix & Friends",
      year: 1999,
      providerIds: { tmdb: "603", imdb: "tt0133093" },
      season: null,
      episode: null,
      plot: "Neo <b>learns</b> the truth & more."
    })
  })

  it("tvshow: legacy <tvdbid> and <id>, numeric entities, -1 meaning unset", () => {
    expect(parseNfo(TVSHOW_NFO)).toEqual({
      kind: "tvshow",
      title: "Breaking Bad",
      year: 2008,
      providerIds: { tvdb: "81189", imdb: "tt0903747" },
      season: null,
      episode: null,
      plot: "A chemistry teacher\u2019s turn \u2014 \"Say my name\"."
    })
  })

  it("episodedetails: the first episode of a multi-episode file, its ids its own", () => {
    expect(parseNfo(EPISODE_NFO)).toEqual({
      kind: "episode",
      title: "Pilot",
      year: 2008,
      providerIds: { tvdb: "349232" },
      season: 1,
      episode: 1,
      plot: null
    })
  })

  it("uniqueid variants: upper-case types, single quotes, ids that are not ids, uniqueid over legacy tags", () => {
    const nfo = parseNfo(`<movie>
      <uniqueid type='TMDB'>680</uniqueid>
      <uniqueid type="imdb">not-an-id</uniqueid>
      <uniqueid type="imdb"> tt0110912 </uniqueid>
      <uniqueid type="tvdb">abc</uniqueid>
      <uniqueid>999</uniqueid>
      <tmdbid>1</tmdbid>
      <imdbid>tt1</imdbid>
    </movie>`)
    expect(nfo?.providerIds).toEqual({ tmdb: "680", imdb: "tt0110912" })
    expect(parseNfo(`<movie><tmdbid>603</tmdbid><imdbid>tt0133093</imdbid></movie>`)?.providerIds)
      .toEqual({ tmdb: "603", imdb: "tt0133093" })
    expect(parseNfo(`<movie><id>603</id></movie>`)?.providerIds).toEqual({})
  })

  it("entities: the five named ones and numeric references; unknown ones stay as written", () => {
    expect(parseNfo(`<movie><title>&lt;A&gt; &apos;B&apos; &#65;&#x42; &nbsp;</title></movie>`)?.title)
      .toBe("<A> 'B' AB &nbsp;")
  })

  it("not an NFO we understand → null", () => {
    expect(parseNfo("https://www.imdb.com/title/tt0133093/")).toBeNull()
    expect(parseNfo("")).toBeNull()
    expect(parseNfo(`<musicvideo><title>x</title></musicvideo>`)).toBeNull()
    expect(parseNfo(`<movie><title>Truncated</title><plot>half`)).toBeNull()
    expect(parseNfo(`<movie><title>Bad nesting</plot></title></movie>`)).toBeNull()
    expect(parseNfo(`<movie><title>Unclosed child</movie>`)).toBeNull()
  })

  it("a byte-order mark and NFD text", () => {
    expect(parseNfo(`\uFEFF<movie><title>Ame\u0301lie</title><year>2001</year></movie>`)).toMatchObject({
      title: "Am\u00e9lie",
      year: 2001
    })
  })
})

describe("nfoCandidates", () => {
  it("movie in its own folder: <basename>.nfo, then movie.nfo", () => {
    const path = "/media/movies/The Matrix (1999)/The Matrix (1999) - 1080p.mkv"
    expect(nfoCandidates(parseMediaPath("movie", "/media/movies", path), path)).toEqual([
      "/media/movies/The Matrix (1999)/The Matrix (1999) - 1080p.nfo",
      "/media/movies/The Matrix (1999)/movie.nfo"
    ])
  })

  it("stacked movie: also the stack's own NFO", () => {
    const path = "/media/movies/Avatar (2009)/Avatar (2009)-cd1.avi"
    expect(nfoCandidates(parseMediaPath("movie", "/media/movies", path), path)).toEqual([
      "/media/movies/Avatar (2009)/Avatar (2009)-cd1.nfo",
      "/media/movies/Avatar (2009)/Avatar (2009).nfo",
      "/media/movies/Avatar (2009)/movie.nfo"
    ])
  })

  it("flat file or grouping folder: only <basename>.nfo (a movie.nfo there is not this movie's)", () => {
    const flat = "/media/movies/Heat (1995).mkv"
    expect(nfoCandidates(parseMediaPath("movie", "/media/movies", flat), flat)).toEqual(["/media/movies/Heat (1995).nfo"])
    const grouped = "/media/movies/Collections/Heat (1995).mkv"
    expect(nfoCandidates(parseMediaPath("movie", "/media/movies", grouped), grouped))
      .toEqual(["/media/movies/Collections/Heat (1995).nfo"])
  })

  it("episode: <basename>.nfo, then the series folder's tvshow.nfo", () => {
    const path = "/media/tv/Breaking Bad (2008)/Season 01/Breaking Bad S01E01.mkv"
    expect(nfoCandidates(parseMediaPath("tvshow", "/media/tv", path), path)).toEqual([
      "/media/tv/Breaking Bad (2008)/Season 01/Breaking Bad S01E01.nfo",
      "/media/tv/Breaking Bad (2008)/tvshow.nfo"
    ])
  })

  it("ignored files have none", () => {
    const path = "/media/movies/Heat (1995)/Heat-trailer.mkv"
    expect(nfoCandidates(parseMediaPath("movie", "/media/movies", path), path)).toEqual([])
  })
})

describe("readNfo", () => {
  const withTempDir = <A>(use: (dir: string) => Effect.Effect<A>) =>
    Effect.acquireUseRelease(
      Effect.promise(() => Fs.mkdtemp(Path.join(Os.tmpdir(), "nfo-test-"))),
      use,
      (dir) => Effect.promise(() => Fs.rm(dir, { recursive: true, force: true }))
    )

  it.effect("reads and parses a file", () =>
    withTempDir((dir) =>
      Effect.gen(function*() {
        const path = Path.join(dir, "movie.nfo")
        yield* Effect.promise(() => Fs.writeFile(path, MOVIE_NFO))
        const nfo = yield* readNfo(path)
        expect(nfo?.title).toBe("The Matrix & Friends")
        expect(nfo?.providerIds).toEqual({ tmdb: "603", imdb: "tt0133093" })
      })
    ))

  it.effect("UTF-16 with a BOM and a Latin-1 declaration", () =>
    withTempDir((dir) =>
      Effect.gen(function*() {
        const utf16 = Path.join(dir, "utf16.nfo")
        const text = "<movie><title>Amélie</title></movie>"
        yield* Effect.promise(() => Fs.writeFile(utf16, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")])))
        expect((yield* readNfo(utf16))?.title).toBe("Amélie")
        const latin1 = Path.join(dir, "latin1.nfo")
        const declared = `<?xml version="1.0" encoding="ISO-8859-1"?>${text}`
        yield* Effect.promise(() => Fs.writeFile(latin1, Buffer.from(declared, "latin1")))
        expect((yield* readNfo(latin1))?.title).toBe("Amélie")
      })
    ))

  it.effect("a missing file, a directory and a URL-only file are null, not failures", () =>
    withTempDir((dir) =>
      Effect.gen(function*() {
        expect(yield* readNfo(Path.join(dir, "missing.nfo"))).toBeNull()
        expect(yield* readNfo(dir)).toBeNull()
        const url = Path.join(dir, "url.nfo")
        yield* Effect.promise(() => Fs.writeFile(url, "https://www.themoviedb.org/movie/603\n"))
        expect(yield* readNfo(url)).toBeNull()
      })
    ))
})
