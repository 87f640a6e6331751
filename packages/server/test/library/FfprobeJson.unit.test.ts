import { describe, expect, it } from "@effect/vitest"
import { Either, Schema } from "effect"
import { bitDepth, containerName, type FfprobeStream, FfprobeOutput, frameRate, hdrFormat, toMediaInfo } from "../../src/library/FfprobeJson.js"
import { normaliseLanguage } from "@mediaserver/domain"

const decode = Schema.decodeUnknownSync(FfprobeOutput)
const video = (fields: Partial<FfprobeStream>): FfprobeStream => ({ index: 0, codec_type: "video", ...fields })

describe("ffprobe JSON", () => {
  it("HDR: Dolby Vision > HDR10+ > PQ (hdr10) > HLG > SDR", () => {
    const pq = video({ color_transfer: "smpte2084" })
    expect(hdrFormat(video({}))).toBe("sdr")
    expect(hdrFormat(video({ color_transfer: "bt709" }))).toBe("sdr")
    expect(hdrFormat(pq)).toBe("hdr10")
    expect(hdrFormat(video({ color_transfer: "arib-std-b67" }))).toBe("hlg")
    expect(hdrFormat(pq, ["HDR Dynamic Metadata SMPTE2094-40 (HDR10+)"])).toBe("hdr10plus")
    expect(hdrFormat({ ...pq, side_data_list: [{ side_data_type: "DOVI configuration record" }] })).toBe("dolby_vision")
    expect(hdrFormat(video({ codec_tag_string: "dvh1" }))).toBe("dolby_vision")
    // Profile 8.4: Dolby Vision over an HLG base layer is still Dolby Vision.
    expect(hdrFormat(video({ color_transfer: "arib-std-b67", side_data_list: [{ side_data_type: "DOVI configuration record" }] })))
      .toBe("dolby_vision")
  })

  it("frame rates, bit depths and container names", () => {
    expect(frameRate("30000/1001")).toBe(29.97)
    expect(frameRate("0/0")).toBeNull()
    expect(frameRate(undefined)).toBeNull()
    expect(bitDepth(video({ bits_per_raw_sample: "10" }))).toBe(10)
    expect(bitDepth(video({ pix_fmt: "yuv420p10le" }))).toBe(10)
    expect(bitDepth(video({ pix_fmt: "yuv420p" }))).toBe(8)
    expect(bitDepth(video({}))).toBeNull()
    expect(containerName("mov,mp4,m4a,3gp,3g2,mj2", "/m/A.m4v")).toBe("mp4")
    expect(containerName("mov,mp4,m4a,3gp,3g2,mj2", "/m/A.MOV")).toBe("mov")
    expect(containerName("matroska,webm", "/m/A.webm")).toBe("webm")
    expect(containerName("matroska,webm", "/m/A.mkv")).toBe("mkv")
    expect(containerName("mpegts", "/m/A.m2ts")).toBe("ts")
    expect(containerName("avi", "/m/A.avi")).toBe("avi")
  })

  it("languages: 639-2/T codes, bibliographic and 2-letter codes mapped, und null", () => {
    expect(normaliseLanguage("eng")).toBe("eng")
    expect(normaliseLanguage("fre")).toBe("fra")
    expect(normaliseLanguage("ger")).toBe("deu")
    expect(normaliseLanguage("en")).toBe("eng")
    expect(normaliseLanguage("pt-BR")).toBe("por")
    expect(normaliseLanguage("tlh")).toBe("tlh")
    expect(normaliseLanguage("und")).toBeNull()
    expect(normaliseLanguage("")).toBeNull()
    expect(normaliseLanguage(undefined)).toBeNull()
  })

  it("tolerates unknown and missing fields; duration falls back to streams' tags.DURATION", () => {
    const output = decode({
      streams: [
        { index: 0, codec_type: "video", codec_name: "mjpeg", width: 600, height: 600, disposition: { attached_pic: 1 } },
        { index: 1, codec_type: "video", codec_name: "av1", width: 3840, height: 2160, something_new: [1, 2] },
        { index: 2, codec_type: "audio", codec_name: "eac3", tags: { LANGUAGE: "ger", DURATION: "01:02:03.500000000" } },
        { index: 3, codec_type: "subtitle", codec_name: "hdmv_pgs_subtitle", disposition: { forced: 1, default: 0 } },
        { index: 4, codec_type: "attachment", codec_name: "ttf" }
      ],
      format: { format_name: "matroska,webm", extra: { nested: true } }
    })
    const info = Either.getOrThrow(toMediaInfo(output, "/m/Film.mkv"))
    expect(info.durationMs).toBe(3_723_500)
    expect(info.sizeBytes).toBeNull()
    expect(info.video).toMatchObject({ index: 1, codec: "av1", width: 3840, profile: null, frameRate: null, bitDepth: null })
    expect(info.audio).toMatchObject([{ index: 2, language: "deu", channels: null, default: false }])
    expect(info.subtitles).toMatchObject([{ index: 3, forced: true, default: false, language: null, external: false }])
  })

  it("no format, or neither picture nor sound, is not media", () => {
    expect(Either.isLeft(toMediaInfo(decode({}), "/x"))).toBe(true)
    expect(Either.isLeft(toMediaInfo(decode({ streams: [], format: { format_name: "tty" } }), "/x"))).toBe(true)
    const subtitleOnly = decode({ streams: [{ index: 0, codec_type: "subtitle" }], format: { format_name: "srt" } })
    expect(Either.isLeft(toMediaInfo(subtitleOnly, "/x.srt"))).toBe(true)
  })
})
