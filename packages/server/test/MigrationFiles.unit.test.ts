/** The checksum list is in step with the migration files: a new file adds its line, a shipped one never changes. */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { createHash } from "node:crypto"
import * as Fs from "node:fs"
import { MIGRATION_CHECKSUMS } from "../src/db/migrations/checksums.js"
import { migrations } from "../src/db/migrations/index.js"

const dir = new URL("../src/db/migrations/", import.meta.url)

describe("migration files", () => {
  it("every migration file has its checksum listed, and the file is as listed", async () => {
    const files = Fs.readdirSync(dir).filter((f) => /^\d{4}_.+\.ts$/.test(f)).sort()
    const actual = Object.fromEntries(files.map((f) => [
      f.replace(/\.ts$/, ""),
      createHash("sha256").update(Fs.readFileSync(new URL(f, dir), "utf8").replaceAll("\r\n", "\n")).digest("hex")
    ]))
    // A difference on an existing line means a shipped migration was edited: restore it, add a new one.
    expect(actual).toEqual(MIGRATION_CHECKSUMS)
    const loaded = await Effect.runPromise(migrations)
    expect(loaded.map(([id, name]) => `${String(id).padStart(4, "0")}_${name}`).sort()).toEqual(Object.keys(MIGRATION_CHECKSUMS))
  })
})
