/**
 * Packages are entered by name through the entries their package.json exports: no relative path
 * crosses into another package, no import names a package's files (`@mediaserver/x/src/...`), and
 * every `@mediaserver/*` import is one its package exports at run time.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Fs from "node:fs"
import { createRequire } from "node:module"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import { Schema } from "effect"

const root = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "../../..")
const SKIPPED = new Set(["node_modules", "dist", "fixtures", ".bench-tmp"])
const SOURCE = /\.(ts|mts|mjs)$/

const sourceFiles = (dir: string): ReadonlyArray<string> =>
  Fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = Path.join(dir, entry.name)
    if (entry.isDirectory()) return SKIPPED.has(entry.name) ? [] : sourceFiles(path)
    return SOURCE.test(entry.name) ? [path] : []
  })

/** `packages/<name>` for files of a package, else the top folder (`scripts`). */
const ownerOf = (path: string): string => {
  const [top, name] = Path.relative(root, path).split(Path.sep)
  return top === "packages" ? `packages/${name}` : (top ?? "")
}

const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)["']([^"']+)["']/gm
const specifiers = (text: string): ReadonlyArray<string> => [...text.matchAll(SPECIFIER)].map((m) => m[1] ?? "")

const files = [...sourceFiles(Path.join(root, "packages")), ...sourceFiles(Path.join(root, "scripts"))]
const imports = files.flatMap((file) => specifiers(Fs.readFileSync(file, "utf8")).map((specifier) => ({ file, specifier })))
const where = ({ file, specifier }: { file: string; specifier: string }) => `${Path.relative(root, file)}: ${specifier}`

const Manifest = Schema.parseJson(Schema.Struct({ name: Schema.String }))
const workspaceNames = Fs.readdirSync(Path.join(root, "packages")).map((dir) =>
  Schema.decodeUnknownSync(Manifest)(Fs.readFileSync(Path.join(root, "packages", dir, "package.json"), "utf8")).name
)
const requireHere = createRequire(import.meta.url)
const resolves = (specifier: string): boolean => {
  try {
    requireHere.resolve(specifier)
    return true
  } catch {
    return false
  }
}

describe("package boundaries", () => {
  it("found the sources and their imports", () => {
    expect(files.length).toBeGreaterThan(100)
    expect(imports.filter((i) => i.specifier.startsWith("@mediaserver/server")).length).toBeGreaterThan(20)
  })

  it("no relative import leaves its package", () => {
    const crossing = imports
      .filter(({ specifier }) => specifier.startsWith("."))
      .filter(({ file, specifier }) => ownerOf(Path.resolve(Path.dirname(file), specifier)) !== ownerOf(file))
    expect(crossing.map(where)).toEqual([])
  })

  it("no import names another package's files", () => {
    const deep = imports.filter(({ specifier }) => /^@mediaserver\/[^/]+\/src(\/|$)/.test(specifier))
    expect(deep.map(where)).toEqual([])
  })

  it("every @mediaserver import is an entry its package exports at run time", () => {
    const unexported = imports
      .filter(({ specifier }) => specifier.startsWith("@mediaserver/"))
      .filter(({ specifier }) => !resolves(specifier))
    expect(unexported.map(where)).toEqual([])
  })

  it("the exports maps refuse paths that are not entries", () => {
    expect(workspaceNames).toContain("@mediaserver/server")
    expect(resolves("@mediaserver/server")).toBe(true)
    expect(resolves("@mediaserver/server/library")).toBe(true)
    expect(resolves("@mediaserver/server/library/NameParser")).toBe(false)
    expect(resolves("@mediaserver/server/src/library/NameParser.ts")).toBe(false)
    expect(resolves("@mediaserver/workers")).toBe(true)
    expect(resolves("@mediaserver/workers/library/Scanner")).toBe(false)
  })
})
