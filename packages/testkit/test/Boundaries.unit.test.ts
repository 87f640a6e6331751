/**
 * Packages are entered by name through the entries their package.json exports: no relative path
 * crosses into another package, no import names a package's files (`@mediaserver/x/src/...`), and
 * every `@mediaserver/*` import is one its package exports at run time. Inside a package's sources no
 * files import each other in a loop.
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

/** The relative imports of each source file of packages/<name>/src, as absolute .ts paths. */
const sourceGraph = (): ReadonlyMap<string, ReadonlyArray<string>> =>
  new Map(
    files.filter((file) => /^packages\/[^/]+\/src\//.test(Path.relative(root, file))).map((file) => [
      file,
      specifiers(Fs.readFileSync(file, "utf8"))
        .filter((specifier) => specifier.startsWith("."))
        .map((specifier) => Path.resolve(Path.dirname(file), specifier).replace(/\.js$/, ".ts"))
    ])
  )

/** One loop of imports, if any: depth-first, a file met again while still on the path closes a loop. */
const findLoop = (graph: ReadonlyMap<string, ReadonlyArray<string>>): ReadonlyArray<string> => {
  const done = new Set<string>()
  const path: Array<string> = []
  const visit = (file: string): ReadonlyArray<string> => {
    const at = path.indexOf(file)
    if (at >= 0) return [...path.slice(at), file]
    if (done.has(file) || !graph.has(file)) return []
    path.push(file)
    for (const next of graph.get(file) ?? []) {
      const loop = visit(next)
      if (loop.length > 0) return loop
    }
    path.pop()
    done.add(file)
    return []
  }
  for (const file of graph.keys()) {
    const loop = visit(file)
    if (loop.length > 0) return loop.map((f) => Path.relative(root, f))
  }
  return []
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

  it("no source files import each other in a loop", () => {
    const graph = sourceGraph()
    expect(graph.size).toBeGreaterThan(100)
    expect(findLoop(graph)).toEqual([])
    // The check itself finds a loop when there is one.
    expect(findLoop(new Map([["/a.ts", ["/b.ts"]], ["/b.ts", ["/c.ts"]], ["/c.ts", ["/a.ts"]]])).length).toBe(4)
  })

  it("service tags are keyed `@mediaserver/<area>/<Name>`; in server, the area is the tag's folder", () => {
    const TAG = /(?:Context\.Tag|Middleware\.Tag<\w+>\(\))\(\s*"([^"]+)"/g
    const keys = files
      .filter((file) => /^packages\/[^/]+\/src\//.test(Path.relative(root, file)))
      .flatMap((file) => [...Fs.readFileSync(file, "utf8").matchAll(TAG)].map((m) => ({ file, key: m[1] ?? "" })))
    expect(keys.length).toBeGreaterThan(50)
    const misnamed = keys.filter(({ file, key }) => {
      const [pkg, , area] = Path.relative(Path.join(root, "packages"), file).split(Path.sep)
      const match = /^@mediaserver\/([a-z-]+)\/[A-Z]\w*$/.exec(key)
      return match === null || (pkg === "server" && match[1] !== area)
    })
    expect(misnamed.map(({ file, key }) => `${Path.relative(root, file)}: ${key}`)).toEqual([])
  })
})
