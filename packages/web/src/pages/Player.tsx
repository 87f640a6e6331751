/**
 * The player: asks the server for a playback session with what this browser can decode, plays the
 * file directly when the server says so, else the HLS stream through hls.js (loaded only here, so it
 * is not part of the first load). Progress is saved by heartbeats every 10 s, on pause and on leaving;
 * changing the audio track starts a new session at the current position. Subtitles are chosen from a
 * menu; at the end of an episode the next one is offered.
 */
import { type ClientAudioCodec, type ClientContainer, type ClientVideoCodec, type Episode, knownLanguage, type MediaFileInfo, type PlaybackSession, type SeriesId, type WatchItem } from "@mediaserver/domain"
import { useEffect, useRef, useState } from "preact/hooks"
import { call, type Result } from "../api.js"
import { clock, episodeId, movieId } from "../ids.js"
import { navigate, useLocation } from "../router.js"

const HEARTBEAT_MS = 10_000

/** What this browser decodes, probed once (MSE for HLS, plain <video> for direct play). */
const clientProfile = () => {
  const probe = document.createElement("video")
  const can = (type: string) => (typeof MediaSource !== "undefined" && MediaSource.isTypeSupported(type)) || probe.canPlayType(type) !== ""
  const video: ReadonlyArray<readonly [ClientVideoCodec, string]> = [
    ["h264", 'video/mp4; codecs="avc1.640028"'], ["hevc", 'video/mp4; codecs="hvc1.1.6.L93.B0"'], ["vp9", 'video/webm; codecs="vp9"'], ["av1", 'video/mp4; codecs="av01.0.05M.08"']
  ]
  const audio: ReadonlyArray<readonly [ClientAudioCodec, string]> = [
    ["aac", 'audio/mp4; codecs="mp4a.40.2"'], ["mp3", "audio/mpeg"], ["opus", 'audio/webm; codecs="opus"'], ["flac", "audio/flac"]
  ]
  const videoCodecs = video.filter(([, type]) => can(type)).map(([codec]) => codec)
  const audioCodecs = audio.filter(([, type]) => can(type)).map(([codec]) => codec)
  const containers: Array<ClientContainer> = can('video/webm; codecs="vp9"') ? ["mp4", "webm"] : ["mp4"]
  return { containers, videoCodecs, audioCodecs }
}

interface Target {
  readonly item: WatchItem
  readonly back: string
  readonly title: string
  readonly files: ReadonlyArray<MediaFileInfo>
  /** For an episode: its series, to offer the next episode at the end. */
  readonly seriesId?: SeriesId
}

const loadTarget = async (kind: string, raw: string): Promise<Result<Target> | null> => {
  if (kind === "movie") {
    const id = movieId(raw)
    if (id === null) return null
    const movie = await call((api) => api.movies.get({ path: { movieId: id } }))
    return movie.ok ? { ok: true, value: { item: { _tag: "movie", id }, back: `/movie/${id}`, title: movie.value.title, files: movie.value.files } } : movie
  }
  const id = episodeId(raw)
  if (id === null) return null
  const episode = await call((api) => api.tvshows.episode({ path: { episodeId: id } }))
  if (!episode.ok) return episode
  const e = episode.value
  return { ok: true, value: { item: { _tag: "episode", id }, back: `/series/${e.seriesId}`, title: `${e.seriesTitle} S${e.seasonNumber}E${e.episodeNumber ?? "?"}`, files: e.files, seriesId: e.seriesId } }
}

export const Player = (props: { readonly kind: string; readonly id: string }) => {
  const { query } = useLocation()
  const start = Number(query.get("t") ?? "0")
  const [target, setTarget] = useState<Target | null>(null)
  const [error, setError] = useState<string | null>(null)
  useEffect(() => {
    void loadTarget(props.kind, props.id).then((result) => {
      if (result === null) setError("No such title.")
      else if (!result.ok) setError(result.error.message)
      else setTarget(result.value)
    })
  }, [props.kind, props.id])
  if (error !== null) return <PlayerError message={error} back="/" />
  if (target === null) return <p class="status" role="status">Preparing playback…</p>
  // A new title (the next episode) is a new player: its own session, position and tracks.
  return <Playing key={`${target.item._tag}/${target.item.id}`} target={target} start={Number.isFinite(start) ? start : 0} />
}

const PlayerError = (props: { readonly message: string; readonly back: string }) => (
  <div class="player-error" role="alert">
    <h1>Playback failed</h1>
    <p>{props.message}</p>
    <a class="button" href={props.back}>Back</a>
  </div>
)

interface Attached {
  readonly detach: () => void
}

const attach = async (video: HTMLVideoElement, session: PlaybackSession, onFatal: (message: string) => void): Promise<Attached> => {
  if (session.decision.method === "direct" && session.urls.direct !== null) {
    video.src = session.urls.direct
    return { detach: () => video.removeAttribute("src") }
  }
  const master = session.urls.master ?? ""
  if (video.canPlayType("application/vnd.apple.mpegurl") !== "" && typeof MediaSource === "undefined") {
    video.src = master
    return { detach: () => video.removeAttribute("src") }
  }
  const { default: Hls } = await import("hls.js")
  const hls = new Hls({ startPosition: -1 })
  hls.on(Hls.Events.ERROR, (_event, data) => {
    if (data.fatal) onFatal(`The stream stopped (${data.details}). Check your connection, or try another audio track.`)
  })
  hls.loadSource(master)
  hls.attachMedia(video)
  return { detach: () => hls.destroy() }
}

const Playing = (props: { readonly target: Target; readonly start: number }) => {
  const { target } = props
  const video = useRef<HTMLVideoElement>(null)
  const [session, setSession] = useState<PlaybackSession | null>(null)
  const [audio, setAudio] = useState<number | undefined>(undefined)
  const [error, setError] = useState<string | null>(null)
  const [message, setMessage] = useState<string | null>(null)
  const [subtitle, setSubtitle] = useState<number | null>(null)
  const [next, setNext] = useState<Episode | null>(null)
  const position = useRef(props.start)
  const file = target.files.find((f) => f.state === "present")
  const audioTracks = file?.streams.filter((s) => s.kind === "audio") ?? []

  // One session per audio choice; it starts where the previous one was.
  useEffect(() => {
    const element = video.current
    if (element === null) return
    let live = true
    let attached: Attached | undefined
    let current: PlaybackSession | undefined
    const startAt = position.current
    void (async () => {
      const created = await call((api) => api.playback.create({
        payload: { item: target.item, client: clientProfile(), startSeconds: startAt, ...(audio === undefined ? {} : { audioStream: audio }) }
      }))
      if (!live) return
      if (!created.ok) return setError(created.error.message)
      current = created.value
      setSession(created.value)
      attached = await attach(element, created.value, setError)
      if (!live) return attached.detach()
      element.addEventListener("loadedmetadata", () => {
        // Direct play and remuxes start at 0: seek to the resume point.
        if (startAt > 0 && element.currentTime < startAt - 1) element.currentTime = startAt
      }, { once: true })
      element.play().catch(() => setMessage("Press play to start."))
    })()
    return () => {
      live = false
      attached?.detach()
      if (current !== undefined) {
        const id = current.id
        void call((api) => api.playback.stop({ path: { sessionId: id } }))
      }
    }
  }, [audio])

  const beat = (paused: boolean) => {
    const element = video.current
    if (session === null || element === null || !Number.isFinite(element.currentTime)) return Promise.resolve()
    position.current = element.currentTime
    return call((api) => api.playback.heartbeat({ path: { sessionId: session.id }, payload: { positionSeconds: element.currentTime, paused } })).then(() => {})
  }

  useEffect(() => {
    if (session === null) return
    const timer = setInterval(() => void beat(video.current?.paused ?? true), HEARTBEAT_MS)
    return () => clearInterval(timer)
  }, [session])

  const textTracks = session === null ? [] : session.subtitles.filter((s) => s.delivery === "webvtt")
  // The <track> elements are in the order of textTracks: show the chosen one, hide the others.
  useEffect(() => {
    const tracks = video.current?.textTracks
    if (tracks === undefined) return
    for (let i = 0; i < tracks.length; i++) {
      const track = tracks[i]
      if (track !== undefined) track.mode = textTracks[i]?.id === subtitle ? "showing" : "disabled"
    }
  }, [subtitle, session])

  // The user's playback preferences: subtitles in their language shown from the start, and the next
  // episode played on its own when one ends (else offered).
  const [preferences, setPreferences] = useState<Readonly<Record<string, unknown>>>({})
  useEffect(() => {
    void call((api) => api.users.preferences()).then((result) => {
      if (result.ok) setPreferences(result.value)
    })
  }, [])
  useEffect(() => {
    const setting = preferences["playback.subtitleLanguage"]
    const language = typeof setting === "string" ? knownLanguage(setting) : null
    const preferred = language === null ? undefined : textTracks.find((t) => t.language !== null && knownLanguage(t.language) === language)
    if (preferred !== undefined && subtitle === null) setSubtitle(preferred.id)
  }, [preferences, session])

  const ended = async () => {
    await beat(true)
    const seriesId = target.seriesId
    if (seriesId === undefined) return
    const result = await call((api) => api.tvshows.nextEpisode({ path: { seriesId } }))
    if (!result.ok || result.value.episode === null || !result.value.episode.hasFile) return
    if (preferences["playback.autoplayNextEpisode"] === false) setNext(result.value.episode)
    else navigate(`/play/episode/${result.value.episode.id}`)
  }

  const leave = async () => {
    await beat(true)
    navigate(target.back)
  }

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const element = video.current
      if (element === null || (event.target instanceof HTMLElement && ["SELECT", "INPUT", "BUTTON"].includes(event.target.tagName) && event.key === " ")) return
      const keys: Record<string, () => void> = {
        " ": () => void (element.paused ? element.play() : element.pause()),
        k: () => void (element.paused ? element.play() : element.pause()),
        ArrowLeft: () => { element.currentTime = Math.max(0, element.currentTime - 10) },
        ArrowRight: () => { element.currentTime = element.currentTime + 10 },
        ArrowUp: () => { element.volume = Math.min(1, element.volume + 0.1) },
        ArrowDown: () => { element.volume = Math.max(0, element.volume - 0.1) },
        m: () => { element.muted = !element.muted },
        c: () => setSubtitle((chosen) => (chosen === null ? textTracks[0]?.id ?? null : null)),
        f: () => void (document.fullscreenElement === null ? element.parentElement?.requestFullscreen() : document.exitFullscreen()),
        Escape: () => void (document.fullscreenElement === null ? leave() : undefined)
      }
      const action = keys[event.key]
      if (action !== undefined) {
        event.preventDefault()
        action()
      }
    }
    addEventListener("keydown", onKey)
    return () => removeEventListener("keydown", onKey)
  }, [session])

  if (error !== null) return <PlayerError message={error} back={target.back} />
  return (
    <div class="player">
      <div class="player-bar">
        <button type="button" onClick={() => void leave()}>← Back</button>
        <h1>{target.title}</h1>
        {audioTracks.length > 1 ? (
          <label>Audio{" "}
            <select value={audio ?? session?.audioStream ?? ""} onChange={(e) => {
              position.current = video.current?.currentTime ?? position.current
              setAudio(Number(e.currentTarget.value))
            }}>
              {audioTracks.map((t, i) => <option value={t.index ?? i}>{[t.language ?? "unknown", t.codec, t.title].filter((x) => x !== null).join(" · ")}</option>)}
            </select>
          </label>
        ) : null}
        {textTracks.length > 0 ? (
          <label>Subtitles{" "}
            <select value={subtitle ?? ""} onChange={(e) => setSubtitle(e.currentTarget.value === "" ? null : Number(e.currentTarget.value))}>
              <option value="">Off</option>
              {textTracks.map((t) => <option value={t.id}>{[t.language ?? "unknown", t.title].filter((x) => x !== null).join(" · ")}</option>)}
            </select>
          </label>
        ) : null}
        {session === null ? null : <span class="method" title={session.decision.reasons.join("; ")}>{session.decision.method}</span>}
      </div>
      <video ref={video} controls playsInline onPause={() => void beat(true)} onEnded={() => void ended()} onError={() => setError("This browser could not play the file. Try again, or another audio track.")} aria-label={target.title}>
        {session === null ? null : textTracks.map((s) => (
          <track kind="subtitles" label={s.title ?? s.language ?? `Track ${s.id}`} srclang={s.language ?? undefined} src={`/api/v1/playback/stream/${session.id}/subtitles/${s.id}.vtt`} />
        ))}
      </video>
      {message === null ? null : <p role="status">{message}</p>}
      {next === null ? null : (
        <p class="up-next" role="status">Up next:{" "}
          <a class="button primary" href={`/play/episode/${next.id}`} autoFocus>S{next.seasonNumber}E{next.episodeNumber ?? "?"}{next.title === null ? "" : ` · ${next.title}`}</a>
        </p>
      )}
      <p class="hint">Space play/pause · ←/→ 10 s · ↑/↓ volume · f full screen · m mute · c subtitles · Esc back{position.current > 0 ? ` · started at ${clock(props.start)}` : ""}</p>
    </div>
  )
}
