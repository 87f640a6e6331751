/**
 * Support of the web client's browser tests and bench: the built client, a whole node (HTTP + workers) on a fresh database
 * with no account yet, headless Chromium (Debian's, or CHROMIUM_PATH), axe-core checks, screenshots.
 */
import { migratedDatabase } from "./MigratedDatabase.js"
import { HttpServer } from "@effect/platform"
import { SqlClient } from "@effect/sql"
import { Config, Context, Effect, Layer, Redacted } from "effect"
import { execFile } from "node:child_process"
import { createRequire } from "node:module"
import * as Fs from "node:fs/promises"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import { type Browser, chromium, type Page } from "playwright-core"
import { WorkersLive } from "@mediaserver/workers"
import { testNode } from "./TestServer.js"

const root = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "../../..")
export const WEB_DIR = Path.join(root, "dist", "web")
/** Screenshots of each main page (gitignored). */
export const ARTIFACTS = Path.join(root, "packages", "web", "test-artifacts")

/** Builds the client as `npm start` does (only when its sources changed). */
export const buildClient = Effect.async<void, Error>((resume) => {
  execFile(process.execPath, [Path.join(root, "scripts", "build-web.mjs")], { cwd: root }, (error, _stdout, stderr) =>
    resume(error === null ? Effect.void : Effect.fail(new Error(`web build failed: ${stderr}`))))
})

export const webNode = (label: string, env: Record<string, string> = {}) =>
  Effect.gen(function* () {
    yield* buildClient
    const db = yield* migratedDatabase(label)
    const context = yield* Layer.build(
      testNode({ LOG_LEVEL: "Error", DATABASE_URL: Redacted.value(db.url), SCAN_PROGRESS_INTERVAL: "200 millis", WEB_CLIENT_DIR: WEB_DIR, ...env }, WorkersLive)
    )
    const server = Context.get(context, HttpServer.HttpServer)
    const url = `http://127.0.0.1:${server.address._tag === "TcpAddress" ? server.address.port : 0}`
    return { url, sql: Context.get(context, SqlClient.SqlClient) }
  })

const FLAGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
  "--disable-component-update", "--disable-sync", "--autoplay-policy=no-user-gesture-required"
]

export const launchBrowser = Effect.gen(function* () {
  const executablePath = yield* Config.string("CHROMIUM_PATH").pipe(Config.withDefault("/usr/bin/chromium"))
  return yield* Effect.acquireRelease(
    Effect.promise(() => chromium.launch({ executablePath, args: FLAGS })),
    (b) => Effect.promise(() => b.close())
  )
})

export const newPage = async (browser: Browser, width = 1280) => {
  const context = await browser.newContext({ viewport: { width, height: 800 } })
  return context.newPage()
}

const axeScript = createRequire(import.meta.url).resolve("axe-core/axe.min.js")

export interface AxeViolation {
  readonly id: string
  readonly impact: string | null
  readonly help: string
  readonly nodes: ReadonlyArray<string>
}

/** axe-core's serious and critical violations on the page as it is now (WCAG A/AA rules). */
export const seriousViolations = async (page: Page): Promise<ReadonlyArray<AxeViolation>> => {
  // Evaluated through the DevTools protocol, not as a <script> tag: the pages' CSP refuses inline scripts.
  if (!(await page.evaluate(() => "axe" in window))) await page.evaluate(await Fs.readFile(axeScript, "utf8"))
  return page.evaluate(async () => {
    const result = await window.axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } })
    return result.violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.map(String).join(" ")) }))
  })
}

export const screenshot = async (page: Page, name: string) => {
  await Fs.mkdir(ARTIFACTS, { recursive: true })
  await page.screenshot({ path: Path.join(ARTIFACTS, `${name}.png`), fullPage: true })
}

interface AxeResult {
  readonly violations: ReadonlyArray<{ id: string; impact: string | null; help: string; nodes: ReadonlyArray<{ target: ReadonlyArray<unknown> }> }>
}

declare global {
  interface Window {
    readonly axe: { readonly run: (context: Document, options: object) => Promise<AxeResult> }
  }
}
