/**
 * The media of the soak and cluster benchmarks: a movie library of N small files (hard links of one
 * 1 s clip) plus "Soak Clip", a 30 s H.264/AAC clip with a keyframe every 2 s to play; created on a
 * node, scanned, and waited for until the clip can be played.
 */
import { Duration, Effect } from "effect"
import * as Fs from "node:fs/promises"
import * as Path from "node:path"
import { writeLibrary } from "@mediaserver/testkit/EmbeddedScenario"
import { eventually } from "@mediaserver/testkit/Poll"
import { exec, ffmpegPath } from "@mediaserver/testkit/TestMedia"
import { BenchIncomplete } from "../report.js"
import { call, type Client, failureKinds, makeTally } from "./soak-load.js"

const CLIP_SECONDS = 30

/** The clip is MP4: a client that plays H.264 and AAC but not MP4 gets it remuxed into HLS. */
export const REMUX_CLIENT = { containers: ["ts"], videoCodecs: ["h264"], audioCodecs: ["aac"] }
/** A client without H.264: the video is transcoded. */
export const TRANSCODE_CLIENT = { containers: ["ts"], videoCodecs: ["vp9"], audioCodecs: ["aac"] }

/** Writes `movies` small files and the clip under `base/movies`; returns that folder. */
export const writeClipLibrary = (base: string, movies: number) =>
  Effect.gen(function* () {
    yield* writeLibrary(base, movies)
    const out = Path.join(base, "movies", "Soak Clip (2020)", "Soak Clip (2020).mp4")
    yield* Effect.promise(() => Fs.mkdir(Path.dirname(out), { recursive: true }))
    yield* exec(yield* ffmpegPath, [
      "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i", `testsrc2=size=320x180:rate=25:duration=${CLIP_SECONDS}`,
      "-f", "lavfi", "-i", `sine=frequency=440:duration=${CLIP_SECONDS}`, "-c:v", "libx264", "-preset", "ultrafast",
      "-pix_fmt", "yuv420p", "-g", "50", "-keyint_min", "50", "-sc_threshold", "0", "-c:a", "aac", "-ac", "2", "-shortest", out
    ])
    return Path.join(base, "movies")
  })

const idOf = (text: string | undefined) => /"id":"([^"]+)"/.exec(text ?? "")?.[1]

/** Creates the library on the node, scans it, and waits until the clip is probed; the set-up's requests are not counted. */
export const setUpClipLibrary = (node: Client, moviesDir: string) =>
  Effect.gen(function* () {
    const setup = makeTally()
    const client = { ...node, tally: setup }
    const libraryId = idOf((yield* call(client, "POST", "/api/v1/libraries", [200, 201], { name: "Movies", kind: "movie", paths: [moviesDir] }))?.text)
    if (libraryId === undefined) return yield* new BenchIncomplete({ message: `library not created: ${failureKinds(setup).join("; ")}` })
    yield* call(client, "POST", `/api/v1/libraries/${libraryId}/scan`, [202])
    // The clip sorts after every "Film Number ...": first in descending order once scanned.
    const clipId = yield* eventually(
      Effect.map(call(client, "GET", "/api/v1/movies?limit=1&sort=title&order=desc", [200]), (a) =>
        a?.text.includes("Soak Clip") === true ? idOf(a.text) : undefined),
      (id) => id !== undefined,
      { what: "the clip scanned", timeout: Duration.minutes(2), interval: Duration.millis(500) }
    )
    // Probed once a session can be made for it (409 until then).
    const first = yield* eventually(
      call(client, "POST", "/api/v1/playback/sessions", [201], { item: { _tag: "movie", id: clipId }, client: REMUX_CLIENT }),
      (a) => a !== undefined,
      { what: "the clip probed", timeout: Duration.minutes(2), interval: Duration.millis(500) }
    ).pipe(Effect.tapError(() => Effect.logError(`session answers while waiting: ${failureKinds(setup).join("; ")}`)))
    yield* call(client, "DELETE", `/api/v1/playback/sessions/${idOf(first?.text) ?? ""}`, [204])
    return { libraryId, clipId: clipId ?? "" }
  })
