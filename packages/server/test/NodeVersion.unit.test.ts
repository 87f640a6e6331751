/** README and package.json name the same Node version (the engines range is the source of truth). */
import { describe, expect, it } from "@effect/vitest"
import { Schema } from "effect"
import * as Fs from "node:fs"

const Manifest = Schema.parseJson(Schema.Struct({ engines: Schema.Struct({ node: Schema.String }) }))

describe("Node version", () => {
  it("README states the engines range of package.json", () => {
    const { engines } = Schema.decodeUnknownSync(Manifest)(Fs.readFileSync(new URL("../../../package.json", import.meta.url), "utf8"))
    const readme = Fs.readFileSync(new URL("../../../README.md", import.meta.url), "utf8")
    const range = /^>=(\d+)\.(\d+\.\d+) <(\d+)$/.exec(engines.node)
    expect(range, engines.node).not.toBeNull()
    const [, major = "", rest = "", below = ""] = range ?? []
    expect(Number(below)).toBe(Number(major) + 1)
    // Every mention of a Node version in the README is this one.
    const mentions = [...readme.matchAll(/Node(?:\.js)? (\d+)(?:[., ]+(\d+\.\d+\.\d+|\d+\.\d+\+?))?/g)]
    expect(mentions.length).toBeGreaterThan(0)
    for (const [text, named] of mentions) expect(named, text).toBe(major)
    expect(readme).toContain(`Node ${major}, ${major}.${rest} or later`)
  })
})
