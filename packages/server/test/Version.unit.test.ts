import { describe, expect, it } from "@effect/vitest"
import { Schema } from "effect"
import * as Fs from "node:fs"
import { VERSION } from "../src/system/Version.js"

const Manifest = Schema.parseJson(Schema.Struct({ version: Schema.String }))

describe("version", () => {
  it("the version nodes report is the repository's package.json version", () => {
    const manifest = Schema.decodeUnknownSync(Manifest)(Fs.readFileSync(new URL("../../../package.json", import.meta.url), "utf8"))
    expect(VERSION).toBe(manifest.version)
  })
})
