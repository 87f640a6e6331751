/**
 * Disc-shaped folders made with ffmpeg, laid out as rips come:
 *
 * - a DVD: `VIDEO_TS/` with the IFO/BUP files, a menu (`VTS_01_0.VOB`), the main title set split in two
 *   VOBs at a 2048-byte pack boundary as discs split it (MPEG-2 + AC-3 in MPEG-PS, `dvdSeconds` long)
 *   and a shorter second title set (an extra);
 * - a Blu-ray: `BDMV/` with `index.bdmv`, `STREAM/` (the main title split in two M2TS clips at a
 *   192-byte packet boundary, plus a shorter clip at a higher bitrate: the largest file, not the film)
 *   and `PLAYLIST/` (the main playlist naming both clips, and one naming the short clip).
 */
import { Effect } from "effect"
import * as Fs from "node:fs"
import * as Path from "node:path"
import { TestMedia } from "./TestMedia.js"

export const DVD_SECONDS = 6
export const BLURAY_SECONDS = 8

const encode = (out: string, seconds: number, codec: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    yield* TestMedia.exec(yield* TestMedia.ffmpegPath, [
      "-nostdin", "-hide_banner", "-loglevel", "error", "-y",
      "-f", "lavfi", "-i", `testsrc2=size=320x240:rate=25:duration=${seconds}`,
      "-f", "lavfi", "-i", `sine=frequency=440:duration=${seconds}:sample_rate=48000`,
      ...codec, out
    ])
    return Fs.readFileSync(out)
  })

/** Splits `bytes` near its middle at a multiple of `unit` and writes the halves. */
const splitInto = (bytes: Buffer, unit: number, first: string, second: string) => {
  const at = Math.floor(bytes.length / 2 / unit) * unit
  Fs.writeFileSync(first, bytes.subarray(0, at))
  Fs.writeFileSync(second, bytes.subarray(at))
}

/** A minimal MPLS: the header, then a PlayList of items (clip name, "M2TS", IN and OUT in 45 kHz ticks). */
export const mplsBytes = (items: ReadonlyArray<{ readonly clip: string; readonly seconds: number }>): Uint8Array => {
  const start = 40
  const itemLength = 20
  const bytes = new Uint8Array(start + 10 + items.length * (2 + itemLength))
  const view = new DataView(bytes.buffer)
  const ascii = (at: number, text: string) => [...text].forEach((c, i) => (bytes[at + i] = c.charCodeAt(0)))
  ascii(0, "MPLS0200")
  view.setUint32(8, start)
  view.setUint32(start, 6 + items.length * (2 + itemLength))
  view.setUint16(start + 6, items.length)
  items.forEach((item, i) => {
    const at = start + 10 + i * (2 + itemLength)
    view.setUint16(at, itemLength)
    ascii(at + 2, item.clip)
    ascii(at + 7, "M2TS")
    view.setUint32(at + 14, 0)
    view.setUint32(at + 18, Math.round(item.seconds * 45000))
  })
  return bytes
}

/** A DVD folder `<parent>/VIDEO_TS`; returns its path. */
export const dvdFolder = (parent: string, scratch: string) =>
  Effect.gen(function* () {
    const dir = Path.join(parent, "VIDEO_TS")
    Fs.mkdirSync(dir, { recursive: true })
    const mpegPs = ["-c:v", "mpeg2video", "-b:v", "1M", "-g", "12", "-c:a", "ac3", "-b:a", "128k", "-f", "vob"]
    const main = yield* encode(Path.join(scratch, "main.vob"), DVD_SECONDS, mpegPs)
    splitInto(main, 2048, Path.join(dir, "VTS_01_1.VOB"), Path.join(dir, "VTS_01_2.VOB"))
    Fs.writeFileSync(Path.join(dir, "VTS_02_1.VOB"), yield* encode(Path.join(scratch, "extra.vob"), 2, mpegPs))
    Fs.writeFileSync(Path.join(dir, "VTS_01_0.VOB"), main.subarray(0, 2048 * 8))
    for (const name of ["VIDEO_TS.IFO", "VIDEO_TS.BUP", "VTS_01_0.IFO", "VTS_01_0.BUP", "VTS_02_0.IFO"]) {
      Fs.writeFileSync(Path.join(dir, name), "DVDVIDEO-VTS")
    }
    return dir
  })

/** A Blu-ray folder `<parent>/BDMV`; returns its path. */
export const blurayFolder = (parent: string, scratch: string) =>
  Effect.gen(function* () {
    const dir = Path.join(parent, "BDMV")
    for (const sub of ["STREAM", "PLAYLIST", "CLIPINF"]) Fs.mkdirSync(Path.join(dir, sub), { recursive: true })
    const h264 = (rate: string) => ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-b:v", rate,
      "-g", "25", "-keyint_min", "25", "-sc_threshold", "0", "-c:a", "ac3", "-b:a", "192k", "-f", "mpegts", "-mpegts_m2ts_mode", "1"]
    const main = yield* encode(Path.join(scratch, "main.m2ts"), BLURAY_SECONDS, h264("300k"))
    splitInto(main, 192, Path.join(dir, "STREAM", "00001.m2ts"), Path.join(dir, "STREAM", "00002.m2ts"))
    const bonus = yield* encode(Path.join(scratch, "bonus.m2ts"), 3, h264("4M"))
    Fs.writeFileSync(Path.join(dir, "STREAM", "00003.m2ts"), bonus)
    Fs.writeFileSync(Path.join(dir, "PLAYLIST", "00000.mpls"), mplsBytes([{ clip: "00003", seconds: 3 }]))
    Fs.writeFileSync(Path.join(dir, "PLAYLIST", "00800.mpls"), mplsBytes([
      { clip: "00001", seconds: BLURAY_SECONDS / 2 },
      { clip: "00002", seconds: BLURAY_SECONDS / 2 }
    ]))
    Fs.writeFileSync(Path.join(dir, "index.bdmv"), "INDX0200")
    return dir
  })
