// Builds the web client (packages/web) into dist/web when its sources changed since the last build:
// `npm start` calls this before the server starts, so `npm ci && npm start` serves a current client.
// The inputs' hash is kept in dist/web/.source-hash; an unchanged tree costs one hash (~50 ms).
// Built files are written beside their .br and .gz forms (the server sends what the browser accepts),
// into a temporary folder renamed into place, so nodes started together never serve a half build.
import { createHash } from "node:crypto"
import * as Fs from "node:fs/promises"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import * as Zlib from "node:zlib"

const root = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "..")
const outDir = Path.join(root, "dist", "web")
const inputs = ["packages/web/src", "packages/web/vite.config.ts", "packages/web/package.json", "packages/domain/src", "packages/rpc-client/src", "package-lock.json"]

const filesUnder = async (path) => {
  const stat = await Fs.stat(path)
  if (!stat.isDirectory()) return [path]
  const entries = await Fs.readdir(path, { withFileTypes: true })
  const nested = await Promise.all(entries.map((e) => filesUnder(Path.join(path, e.name))))
  return nested.flat()
}

const sourceHash = async () => {
  const hash = createHash("sha256")
  for (const input of inputs) {
    for (const file of (await filesUnder(Path.join(root, input))).sort()) {
      hash.update(Path.relative(root, file)).update("\0").update(await Fs.readFile(file)).update("\0")
    }
  }
  return hash.digest("hex")
}

const currentHash = () => Fs.readFile(Path.join(outDir, ".source-hash"), "utf8").catch(() => "")

const compress = async (dir) => {
  const brotli = promisify(Zlib.brotliCompress)
  const gzip = promisify(Zlib.gzip)
  for (const file of await filesUnder(dir)) {
    if (!/\.(js|css|svg|json|html)$/.test(file)) continue
    const bytes = await Fs.readFile(file)
    await Fs.writeFile(`${file}.br`, await brotli(bytes, { params: { [Zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }))
    await Fs.writeFile(`${file}.gz`, await gzip(bytes, { level: 9 }))
  }
}

/** Builds when needed; resolves to true when it built. */
export const buildWeb = async ({ force = false } = {}) => {
  const hash = await sourceHash()
  if (!force && (await currentHash()) === hash) return false
  const { build } = await import("vite")
  const temp = `${outDir}.${process.pid}.tmp`
  await build({
    configFile: Path.join(root, "packages/web/vite.config.ts"),
    logLevel: "warn",
    build: { outDir: temp, emptyOutDir: true }
  })
  await compress(temp)
  await Fs.writeFile(Path.join(temp, ".source-hash"), hash)
  // Another process (a node, a test file) finished the same build meanwhile: keep the one in place.
  if ((await currentHash()) === hash) {
    await Fs.rm(temp, { recursive: true, force: true })
    return true
  }
  const old = `${outDir}.${process.pid}.old`
  await Fs.rename(outDir, old).catch(() => {})
  await Fs.rename(temp, outDir).catch(async () => {
    // Another node put its build in place first: the same sources give the same build.
    await Fs.rm(temp, { recursive: true, force: true })
  })
  await Fs.rm(old, { recursive: true, force: true })
  return true
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const started = Date.now()
  const built = await buildWeb({ force: process.argv.includes("--force") })
  console.log(built ? `web client built in ${Date.now() - started} ms` : "web client up to date")
}
