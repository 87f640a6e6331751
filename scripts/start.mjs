// `npm start`: bundles the server's TypeScript with esbuild (about 0.2 s; dependencies stay in
// node_modules) and runs it with plain node, which starts in half the time of a TS loader.
// Files are written under a temporary name and renamed, so nodes started together never read a half file.
import { build, stop as stopEsbuild } from "esbuild"
import { fileURLToPath, pathToFileURL } from "node:url"
import * as Fs from "node:fs/promises"
import * as Path from "node:path"
import { buildWeb } from "./build-web.mjs"

const root = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "..")
const outdir = Path.join(root, "dist", "server")
const outfile = Path.join(outdir, "main.mjs")

const result = await build({
  entryPoints: [Path.join(root, "packages/workers/src/bin/main.ts")],
  outfile,
  write: false,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  sourcemap: "linked",
  logLevel: "warning",
  // Workspace packages are bundled from source; everything in node_modules is imported as is.
  alias: {
    "@mediaserver/domain": Path.join(root, "packages/domain/src/index.ts"),
    "@mediaserver/server": Path.join(root, "packages/server/src")
  }
})
await Fs.mkdir(outdir, { recursive: true })
for (const file of result.outputFiles) {
  const temp = `${file.path}.${process.pid}.tmp`
  await Fs.writeFile(temp, file.contents)
  await Fs.rename(temp, file.path)
}
// The web client is built here, at start, when its sources changed (not in an install step): a fresh
// clone's first start takes about half a minute longer, later starts only hash the sources. A failed
// build does not keep the API from starting (/ then serves the page of links).
await buildWeb().then(
  (built) => built && console.log("web client built into dist/web"),
  (error) => console.error(`web client not built: ${error instanceof Error ? error.message : String(error)}`)
)
// esbuild keeps its service process (about 80 MB) alive for further builds: none come, so end it.
await stopEsbuild()
await import(pathToFileURL(outfile).href)
