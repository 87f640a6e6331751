/**
 * The web client end to end in headless Chromium against a real node with a library of ffmpeg-made
 * files: first-run admin, libraries created and scanned from the admin screen (live progress to the
 * end), sign out and in, a second user who sees only the library granted to them, the grid, details,
 * search, and playing 3 s whose position is then offered as "Resume". Every main page is checked with
 * axe-core (no serious or critical violation) and photographed into packages/web/test-artifacts.
 */
import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect } from "effect"
import { createServer, type Server } from "node:http"
import type { Page } from "playwright-core"
import { eventually } from "@mediaserver/testkit/Poll"
import { TestMedia } from "@mediaserver/testkit/TestMedia"
import { tree } from "@mediaserver/testkit/LibraryNode"
import { longClip, tempDir } from "@mediaserver/testkit/PlaybackNode"
import { launchBrowser, newPage, screenshot, seriousViolations, webNode } from "@mediaserver/testkit/WebNode"

const ADMIN = { username: "root", email: "root@example.com", password: "a long admin passphrase" }
const VIEWER = { username: "viewer", email: "viewer@example.com", password: "a long viewer passphrase" }

/** The page passes axe and is photographed. */
const checkPage = async (page: Page, name: string) => {
  await screenshot(page, name)
  expect(await seriousViolations(page), `axe on ${name}`).toEqual([])
}

const signIn = async (page: Page, who: { username: string; password: string }) => {
  await page.getByLabel("Username or email").fill(who.username)
  await page.getByLabel("Password").fill(who.password)
  await page.getByRole("button", { name: "Sign in" }).click()
  await page.getByRole("navigation", { name: "Main" }).waitFor()
}

const signOut = async (page: Page) => {
  await page.getByRole("button", { name: "Sign out" }).click()
  await page.getByRole("heading", { name: "Sign in" }).waitFor()
}

const addAndScan = async (page: Page, name: string, folder: string) => {
  await page.getByLabel("Name", { exact: true }).fill(name)
  await page.getByLabel("Folder (absolute path on the server)").fill(folder)
  await page.getByRole("button", { name: "Add library" }).click()
  await page.getByRole("button", { name: `Scan ${name}` }).click()
  // Progress arrives over the RPC stream until the scan ends.
  await page.locator(`[data-testid="scan-${name}"][data-status="completed"]`).waitFor({ timeout: 60_000 })
}

/** A webhook receiver on 127.0.0.1 that answers 204 and keeps each request's signature header. */
const hookReceiver = Effect.acquireRelease(
  Effect.async<{ readonly url: string; readonly received: Array<{ readonly signature: string | undefined }>; readonly server: Server }>((resume) => {
    const received: Array<{ readonly signature: string | undefined }> = []
    const server = createServer((req, res) => {
      const signature = req.headers["x-mediaserver-signature"]
      received.push({ signature: typeof signature === "string" ? signature : undefined })
      req.resume()
      req.on("end", () => res.writeHead(204).end())
    })
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      resume(Effect.succeed({ url: `http://127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}/hook`, received, server }))
    })
  }),
  (r) => Effect.async<void>((resume) => { r.server.close(() => resume(Effect.void)) })
)

describe("web client", () => {
  it.scopedLive("first run, admin, libraries, access, browse, search, play and resume", () =>
    Effect.gen(function* () {
      const media = yield* TestMedia.files
      const clips = yield* tempDir("ms-web-clip-")
      // 30 s, so a slow machine cannot play past the watched threshold before the test pauses it.
      const long = yield* longClip(clips)
      const moviesDir = yield* tree({
        "Alpha Quest (2001)/Alpha Quest (2001).mkv": { copyOf: media.multiTrackMkv },
        "Beta Run (2002)/Beta Run (2002).mp4": { copyOf: long }
      })
      const secretDir = yield* tree({ "Hidden Gem (2003)/Hidden Gem (2003).mp4": { copyOf: media.mp4 } })
      const { url, sql } = yield* webNode("web_e2e")
      const receiver = yield* hookReceiver
      const browser = yield* launchBrowser
      const page = yield* Effect.promise(() => newPage(browser))
      const problems: Array<string> = []
      page.on("console", (m) => {
        if (m.type() === "error") problems.push(m.text())
      })
      page.on("response", (r) => {
        if (r.status() >= 400) problems.push(`${r.status()} ${r.request().method()} ${r.url()}`)
      })
      // A failed step leaves its screen and the page's errors behind.
      const run = <A>(f: () => Promise<A>) =>
        Effect.promise(() => f().catch(async (error: unknown) => {
          await screenshot(page, "failure")
          return Promise.reject(new Error(`${String(error)}\nat ${page.url()}; console errors: ${problems.join(" | ")}`))
        }))

      // First run: the client asks for the admin account, then offers to add a library.
      yield* run(async () => {
        await page.goto(url)
        await page.getByRole("heading", { name: "Welcome: create the admin account" }).waitFor()
        await checkPage(page, "01-first-run")
        await page.getByLabel("Username").fill(ADMIN.username)
        await page.getByLabel("Email").fill(ADMIN.email)
        await page.getByLabel("Password").fill(ADMIN.password)
        await page.getByRole("button", { name: "Create admin" }).click()
        await page.getByRole("heading", { name: "Libraries" }).waitFor()
        // Cookies only: nothing of the session is in page storage.
        expect(await page.evaluate(() => localStorage.length + sessionStorage.length)).toBe(0)
        await addAndScan(page, "Movies", moviesDir)
        await addAndScan(page, "Secret", secretDir)
        // The live events stream tells the page when a scan ends.
        await page.getByRole("list", { name: "Notices" }).getByText("Scan of Secret finished: 1 new.").waitFor()
        expect(await page.getByTestId("scan-Movies").textContent()).toContain("2 files seen")
        // Editing a library: periodic scans off, stored by the server.
        await page.getByText("Edit Secret").click()
        const edit = page.getByRole("form", { name: "Edit Secret" })
        await edit.getByLabel("Minutes between scans (0: off)").fill("0")
        await edit.getByRole("button", { name: "Save" }).click()
        await edit.getByText("Saved.").waitFor()
        await checkPage(page, "02-admin-libraries")
      })

      const secretScan = yield* sql<{ minutes: number }>`SELECT (scan->>'intervalMinutes')::int AS minutes FROM libraries WHERE name = 'Secret'`
      expect(secretScan[0]?.minutes).toBe(0)

      // The player needs the probes that run after a scan.
      yield* eventually(
        sql<{ probed: boolean }>`SELECT f.probe IS NOT NULL AS probed FROM media_files f`,
        (rows) => rows.length === 3 && rows.every((r) => r.probed),
        { what: "files probed", timeout: Duration.seconds(60), interval: Duration.millis(100) }
      )

      // Sign out; a second account registers; the admin grants it "Movies" only.
      yield* run(async () => {
        await signOut(page)
        await checkPage(page, "03-sign-in")
        await page.getByRole("link", { name: "Create an account" }).click()
        await page.getByLabel("Username").fill(VIEWER.username)
        await page.getByLabel("Email").fill(VIEWER.email)
        await page.getByLabel("Password").fill(VIEWER.password)
        await page.getByRole("button", { name: "Create account" }).click()
        await page.getByText("Nothing shared with you yet.").waitFor()
        await signOut(page)
        await signIn(page, ADMIN)
        await page.goto(`${url}/admin/users`)
        const granted = page.waitForResponse((r) => r.url().endsWith("/permissions") && r.request().method() === "POST")
        await page.getByLabel(`${VIEWER.username} may see Movies`).check()
        expect((await granted).status()).toBe(200)
        await checkPage(page, "04-admin-users")
        // Roles: a custom role is created, given to the viewer, and deleted only once the admin agrees
        // to take it from them; an account is disabled and enabled again.
        await page.getByRole("link", { name: "Roles" }).click()
        await page.getByLabel("Role name (a-z, 0-9, _ or -)").fill("critics")
        await page.locator("form.admin-tools").getByLabel(/Browse libraries and media/).check()
        await page.getByRole("button", { name: "Create role" }).click()
        await page.getByRole("heading", { name: "critics" }).waitFor()
        await checkPage(page, "04-admin-roles")
        await page.getByRole("link", { name: "Users" }).click()
        await page.getByLabel(`${VIEWER.username} has role critics`).check()
        await expect.poll(() => page.getByLabel(`${VIEWER.username} has role critics`).isChecked()).toBe(true)
        await page.getByRole("button", { name: `Disable ${VIEWER.username}` }).click()
        await page.getByRole("button", { name: `Enable ${VIEWER.username}` }).click()
        await page.getByRole("button", { name: `Disable ${VIEWER.username}` }).waitFor()
        await page.getByRole("link", { name: "Roles" }).click()
        await page.getByRole("button", { name: "Delete critics" }).click()
        await page.getByText(`1 user holds this role (${VIEWER.username}).`).waitFor()
        await page.getByRole("button", { name: "Delete and take it from them" }).click()
        await page.getByRole("heading", { name: "critics" }).waitFor({ state: "detached" })
        await page.getByRole("link", { name: "Jobs" }).click()
        await page.getByText(/^\d+ runs$/).waitFor()
        await checkPage(page, "04-admin-jobs")
        // A single sign-on provider: added, then shown as a button on the sign-in page.
        await page.getByRole("link", { name: "Sign-in" }).click()
        await page.getByLabel("Short name in URLs (letters, digits, dashes)").fill("corp")
        await page.getByLabel("Name on the sign-in button").fill("Corp ID")
        await page.getByLabel("Issuer URL").fill("https://id.example.test")
        await page.getByLabel("Client id").fill("mediaserver")
        await page.getByLabel("Client secret (empty for a public client)").fill("s3cret")
        await page.getByRole("button", { name: "Add provider" }).click()
        await page.getByRole("button", { name: "Turn Corp ID off" }).waitFor()
        await checkPage(page, "04-admin-sign-in")
        await signOut(page)
        await page.getByRole("link", { name: "Sign in with Corp ID" }).waitFor()
        await signIn(page, ADMIN)
        await page.goto(`${url}/admin/sign-in`)
        await page.getByRole("button", { name: "Delete Corp ID" }).click()
        await page.getByText("No providers: people sign in with a password.").waitFor()
        // A notification agent: a signed webhook to a receiver here, tested from the page, then deleted.
        await page.getByRole("link", { name: "Notifications" }).click()
        await page.getByText("No agents: nothing is sent anywhere.").waitFor()
        await page.getByLabel("Kind").selectOption({ label: "Signed webhook" })
        await page.getByLabel("Name", { exact: true }).fill("Home hook")
        await page.getByLabel("Receiver URL").fill(receiver.url)
        await page.getByLabel("Signing key (HMAC-SHA256)").fill("hook key")
        await page.getByRole("button", { name: "Add agent" }).click()
        await page.getByRole("button", { name: "Send a test through Home hook" }).click()
        await page.getByText("Test sent through Home hook.").waitFor()
        expect(receiver.received.at(-1)?.signature).toMatch(/^sha256=[0-9a-f]{64}$/)
        await checkPage(page, "04-admin-notifications")
        await page.getByRole("button", { name: "Delete Home hook" }).click()
        await page.getByText("No agents: nothing is sent anywhere.").waitFor()
        // Radarr: connected with its secrets, checked (nothing answers there: the reason is shown), deleted.
        await page.getByRole("link", { name: "Radarr/Sonarr" }).click()
        await page.getByText("No Radarr or Sonarr connected.").waitFor()
        await page.getByLabel("Name", { exact: true }).fill("Films")
        await page.getByLabel("URL", { exact: true }).fill("http://127.0.0.1:9/")
        await page.getByLabel("API key").fill("0123456789abcdef")
        await page.getByLabel("Webhook secret (the app sends it back with each event)").fill("hook secret")
        await page.getByLabel("Library its files belong to").selectOption({ label: "Movies" })
        await page.getByRole("button", { name: "Connect" }).click()
        await page.getByText(/\/api\/v1\/webhooks\/radarr\//).waitFor()
        await page.getByRole("button", { name: "Check Films" }).click()
        await page.getByRole("alert").waitFor()
        await checkPage(page, "04-admin-integrations")
        await page.getByRole("button", { name: "Delete Films" }).click()
        await page.getByText("No Radarr or Sonarr connected.").waitFor()
        // Server settings: a valid value is saved, an invalid one is refused with the server's reason.
        await page.getByRole("link", { name: "Settings" }).click()
        await page.getByRole("heading", { name: "Server settings" }).waitFor()
        const scans = page.locator("form.setting", { has: page.getByLabel("Minutes between scheduled library scans") })
        await scans.getByLabel("Minutes between scheduled library scans").fill("1")
        await scans.getByRole("button", { name: "Save" }).click()
        await scans.getByRole("alert").waitFor()
        const name = page.locator("form.setting", { has: page.getByLabel("Name shown to clients") })
        await name.getByLabel("Name shown to clients").fill("Family server")
        await name.getByRole("button", { name: "Save" }).click()
        await name.getByText("Saved.").waitFor()
        await checkPage(page, "04-admin-settings")
        // Statistics: aggregated on request (the job), then the sizes of the server and its libraries.
        await page.getByRole("link", { name: "Statistics" }).click()
        await page.getByRole("heading", { name: "Statistics" }).waitFor()
        await page.getByRole("button", { name: "Aggregate now" }).click()
        await page.getByText(/^Aggregated /).waitFor()
        await page.getByRole("row", { name: /^Whole server/ }).waitFor()
        await page.getByRole("row", { name: /^Movies/ }).waitFor()
        await checkPage(page, "04-admin-statistics")
        // Details edited by hand are locked against refreshes, and can be handed back to them.
        await page.goto(`${url}/search?q=Hidden`)
        await page.getByTestId("grid").getByRole("link", { name: /Hidden Gem/ }).click()
        await page.getByRole("heading", { name: "Hidden Gem" }).waitFor()
        await page.getByText("Manage").click()
        await page.getByText("Edit details").click()
        await page.getByLabel("Tagline", { exact: true }).fill("A small treasure.")
        await page.getByRole("button", { name: "Save details" }).click()
        await page.getByText("Saved. Locked against refreshes: tagline.").waitFor()
        await page.locator(".tagline", { hasText: "A small treasure." }).waitFor()
        await checkPage(page, "04-admin-edit-details")
        await page.getByLabel("Let refreshes change tagline again").check()
        await page.getByRole("button", { name: "Save details" }).click()
        await page.getByText("Saved.", { exact: true }).waitFor()
        // Unlocked: the label loses its "(locked)" once the metadata is read again.
        await page.getByLabel("Tagline", { exact: true }).waitFor()
        await signOut(page)
      })

      const stored = yield* sql<{ key: string; value: unknown }>`SELECT key, value FROM server_settings ORDER BY key`
      expect(stored.map((r) => [r.key, r.value])).toEqual([["general.serverName", "Family server"]])

      // The viewer: "Movies" in the rail and on home, "Secret" nowhere (not even by search or its URL).
      const secretId = (yield* sql<{ id: string }>`SELECT id FROM movies WHERE title = 'Hidden Gem'`)[0]?.id ?? ""
      // Two people: one in Beta Run (visible to the viewer), one only in Hidden Gem (not visible).
      const shyId = "00000000-0000-4000-8000-0000000000e2"
      yield* sql`
        INSERT INTO people (id, name, known_for_department) VALUES
          ('00000000-0000-4000-8000-0000000000e1', 'Gemma Star', 'Acting'), (${shyId}, 'Shy Person', 'Acting')
      `
      yield* sql`
        INSERT INTO credits (id, person_id, movie_id, kind, character, position)
        SELECT gen_random_uuid(), '00000000-0000-4000-8000-0000000000e1'::uuid, id, 'cast', 'Runner', 0 FROM movies WHERE title = 'Beta Run'
        UNION ALL
        SELECT gen_random_uuid(), ${shyId}::uuid, id, 'cast', 'Gem', 0 FROM movies WHERE title = 'Hidden Gem'
      `
      // Beta Run belongs to a collection (with Hidden Gem, which the viewer cannot see).
      yield* sql`INSERT INTO collections (id, name, overview) VALUES ('00000000-0000-4000-8000-0000000000c1', 'Run Collection', 'Films that run.')`
      yield* sql`UPDATE movies SET collection_id = '00000000-0000-4000-8000-0000000000c1' WHERE title IN ('Beta Run', 'Hidden Gem')`
      yield* run(async () => {
        await signIn(page, VIEWER)
        const rail = page.getByRole("navigation", { name: "Main" })
        await rail.getByRole("link", { name: "Movies" }).waitFor()
        expect(await rail.getByRole("link", { name: "Secret" }).count()).toBe(0)
        await page.getByRole("heading", { name: "Recently added in Movies" }).waitFor()
        expect(await page.getByText("Hidden Gem").count()).toBe(0)
        await checkPage(page, "05-home")

        await rail.getByRole("link", { name: "Movies" }).click()
        await page.getByText("2 titles").waitFor()
        expect(await page.getByTestId("grid").getByRole("link").count()).toBe(2)
        await checkPage(page, "06-library-grid")

        await page.getByLabel("Search titles and people").fill("Hidden")
        await page.getByLabel("Search titles and people").press("Enter")
        await page.getByRole("heading", { name: "Results for “Hidden”" }).waitFor()
        await page.getByText("0 titles").first().waitFor()
        expect(await page.getByText("Hidden Gem").count()).toBe(0)
        await page.goto(`${url}/movie/${secretId}`)
        await page.getByRole("alert").waitFor()
        expect(await page.getByText("Hidden Gem").count()).toBe(0)

        // Suggestions while typing: the arrow keys choose one, Enter opens it.
        const box = page.getByRole("combobox", { name: "Search titles and people" })
        await box.fill("Bet")
        await page.getByRole("option", { name: /Beta Run/ }).waitFor()
        expect(await page.getByRole("option", { name: /Hidden Gem/ }).count()).toBe(0)
        await box.press("ArrowDown")
        await page.waitForFunction(() => document.querySelector("#search-box")?.getAttribute("aria-activedescendant")?.startsWith("suggest-movie-") === true)
        await box.press("Enter")
        await page.getByRole("heading", { name: "Beta Run" }).waitFor()

        // The results page: people first, counts per kind, facets that narrow.
        await box.fill("Beta")
        await box.press("Enter")
        await page.getByRole("heading", { name: "Results for “Beta”" }).waitFor()
        await page.getByRole("link", { name: "Movies (1)" }).waitFor()
        await page.getByRole("link", { name: "Series (0)" }).waitFor()
        await page.getByRole("button", { name: /2000s/ }).click()
        await page.waitForURL(/decade=2000/)
        await page.getByRole("button", { name: /2000s/, pressed: true }).waitFor()
        await page.getByTestId("grid").getByRole("link", { name: /Beta Run/ }).waitFor()
        await checkPage(page, "06b-search")
        await box.fill("Gemma")
        await box.press("Enter")
        await page.getByRole("region", { name: "People" }).getByRole("link", { name: /Gemma Star/ }).click()
        await page.getByRole("heading", { name: "Gemma Star" }).waitFor()
        await page.getByRole("link", { name: /Beta Run.*2002 · Runner/ }).waitFor()
        expect(await page.getByText("Hidden Gem").count()).toBe(0)
        await checkPage(page, "06c-person")
        // Someone credited only on a title the viewer cannot see does not exist for them.
        await page.goto(`${url}/person/${shyId}`)
        await page.getByRole("alert").waitFor()
        expect(await page.getByText("Shy Person").count()).toBe(0)

        await page.goto(`${url}/search?q=Beta`)
        await page.getByRole("heading", { name: "Results for “Beta”" }).waitFor()
        await page.getByTestId("grid").getByRole("link", { name: /Beta Run/ }).click()
        await page.getByRole("heading", { name: "Beta Run" }).waitFor()
        await checkPage(page, "07-details")
        await page.getByRole("link", { name: "Run Collection" }).click()
        await page.getByRole("heading", { name: "Run Collection" }).waitFor()
        await page.getByText("1 movie", { exact: true }).waitFor()
        await page.getByRole("region", { name: "Movies" }).getByRole("link", { name: /Beta Run/ }).waitFor()
        expect(await page.getByText("Hidden Gem").count()).toBe(0)
        await checkPage(page, "07b-collection")
        await page.goBack()
        await page.getByRole("heading", { name: "Beta Run" }).waitFor()
        const details = page.url()
        // The viewer's own rating is stored and shown again on the next visit.
        const rated = page.waitForResponse((r) => r.url().endsWith("/rating") && r.request().method() === "PUT")
        await page.getByLabel("Your rating").selectOption({ label: "8 / 10" })
        expect((await rated).status()).toBe(200)
        await page.reload()
        await page.getByRole("heading", { name: "Beta Run" }).waitFor()
        await page.waitForFunction(() => document.querySelector<HTMLSelectElement>(".rating select")?.value === "8")
        await page.getByRole("link", { name: VIEWER.username }).click()
        await page.getByRole("heading", { name: "Sessions" }).waitFor()
        await page.getByText("(this one)").waitFor()
        // A preference of the viewer's own, saved from the profile.
        await page.getByLabel("Play the next episode when one ends").uncheck()
        await page.locator(".setting", { has: page.getByLabel("Play the next episode when one ends") }).getByText("Saved.").waitFor()
        // An API key: its secret is shown once, it is listed by name, and it can be revoked.
        await page.getByLabel("Key name").fill("my script")
        await page.getByRole("button", { name: "Create key" }).click()
        await page.getByText(/Copy this key now/).waitFor()
        expect(await page.locator(".secret code").textContent()).toMatch(/^msk_/)
        await page.getByRole("button", { name: "Revoke key my script" }).waitFor()
        // Viewers are not offered the admin scope.
        expect(await page.getByLabel("admin", { exact: true }).count()).toBe(0)
        // Setting up an authenticator app shows its QR code and asks for a code.
        await page.getByRole("button", { name: "Set up an authenticator app" }).click()
        await page.getByRole("img", { name: /QR code/ }).waitFor()
        await page.getByLabel("Code from the app").waitFor()
        await checkPage(page, "10-profile")
        await page.getByRole("button", { name: "Revoke key my script" }).click()
        await page.getByText("No keys yet.").waitFor()
        // The light theme, chosen in the profile, is kept in the user's preferences and applied at once.
        await page.getByLabel("Theme").selectOption("light")
        await page.waitForFunction(() => document.documentElement.dataset["theme"] === "light")
        await checkPage(page, "10-profile-light")
        await page.reload()
        await page.getByRole("heading", { name: "Sessions" }).waitFor()
        expect(await page.evaluate(() => document.documentElement.dataset["theme"])).toBe("light")
        const stored: unknown = await page.evaluate(() => fetch("/api/v1/users/me/preferences").then((r) => r.json()))
        expect(stored).toMatchObject({ "interface.theme": "light" })
        await page.getByLabel("Theme").selectOption("system")
        await page.waitForFunction(() => document.documentElement.dataset["theme"] === undefined)
        // A mail's link with a spent or wrong token says so (the server refuses it).
        await page.goto(`${url}/verify-email?token=not-a-token`)
        await page.getByRole("link", { name: "Continue" }).waitFor()
        expect(await page.getByRole("status").textContent()).not.toContain("Thank you")
        await checkPage(page, "11-verify-email")
        await page.goto(details)
        await page.getByRole("heading", { name: "Beta Run" }).waitFor()
      })

      // Play for 3 s, pause with the space bar; back on the details page that position is offered as "Resume".
      yield* run(async () => {
        await page.getByRole("link", { name: "Play", exact: true }).click()
        await page.locator("video").waitFor()
        await page.waitForFunction(() => (document.querySelector("video")?.currentTime ?? 0) > 3, null, { timeout: 60_000 })
        await page.keyboard.press("Space")
        await page.waitForFunction(() => document.querySelector("video")?.paused === true)
        const at = Math.floor(await page.evaluate(() => document.querySelector("video")?.currentTime ?? 0))
        await checkPage(page, "08-player")
        await page.getByRole("button", { name: "← Back" }).click()
        await page.getByRole("link", { name: `Resume from 0:${String(at).padStart(2, "0")}` }).waitFor()
        await checkPage(page, "09-resume")
        await page.getByRole("link", { name: /^Resume from/ }).click()
        await page.waitForFunction((from) => (document.querySelector("video")?.currentTime ?? 0) > from + 0.5, at, { timeout: 60_000 })
      })

      // Switch the audio track: a new session continues from where the first one was.
      const alphaId = (yield* sql<{ id: string }>`SELECT id FROM movies WHERE title = 'Alpha Quest'`)[0]?.id ?? ""
      yield* run(async () => {
        await page.goto(`${url}/play/movie/${alphaId}`)
        await page.waitForFunction(() => (document.querySelector("video")?.currentTime ?? 0) > 1, null, { timeout: 60_000 })
        const audio = page.getByLabel("Audio")
        const options = await audio.locator("option").allTextContents()
        expect(options.some((o) => o.startsWith("fra"))).toBe(true)
        await audio.selectOption({ label: options.find((o) => o.startsWith("fra")) ?? "" })
        await page.waitForFunction(() => (document.querySelector("video")?.currentTime ?? 0) > 1.5, null, { timeout: 60_000 })
        // The muxed English subtitles are offered and shown when chosen.
        const subtitles = page.getByLabel("Subtitles")
        const labels = await subtitles.locator("option").allTextContents()
        await subtitles.selectOption({ label: labels.find((o) => o.startsWith("eng")) ?? "" })
        await page.waitForFunction(() => document.querySelector("video")?.textTracks[0]?.mode === "showing")
      })
      const sessions = yield* sql<{ n: number }>`SELECT count(*)::int AS n FROM playback_sessions`
      expect(sessions[0]?.n).toBeGreaterThanOrEqual(3)
    }), { timeout: 300_000 })
})
