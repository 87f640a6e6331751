/**
 * Security keys end to end: Chromium's virtual authenticator (over the DevTools protocol) registers a
 * key from the profile page, and the next password sign-in is completed with it. The node's public URL
 * is on `localhost`, because a WebAuthn relying party id must be a host name, never an IP address.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { freePort } from "@mediaserver/testkit/NodeProcess"
import { launchBrowser, newPage, screenshot, seriousViolations, webNode } from "@mediaserver/testkit/WebNode"

const ADMIN = { username: "keyholder", email: "keys@example.com", password: "a long passphrase for keys" }

describe("web client: security keys", () => {
  it.scopedLive("a key registered in the profile completes the next sign-in", () =>
    Effect.gen(function* () {
      const port = yield* freePort
      const origin = `http://localhost:${port}`
      const { sql } = yield* webNode("web_webauthn", { PORT: String(port), PUBLIC_URL: origin })
      const browser = yield* launchBrowser
      const page = yield* Effect.promise(() => newPage(browser))
      yield* Effect.promise(async () => {
        const cdp = await page.context().newCDPSession(page)
        await cdp.send("WebAuthn.enable")
        await cdp.send("WebAuthn.addVirtualAuthenticator", {
          options: { protocol: "ctap2", transport: "usb", hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true }
        })
        await page.goto(origin)
        await page.getByLabel("Username").fill(ADMIN.username)
        await page.getByLabel("Email").fill(ADMIN.email)
        await page.getByLabel("Password").fill(ADMIN.password)
        await page.getByRole("button", { name: "Create admin" }).click()
        await page.getByRole("heading", { name: "Libraries" }).waitFor()

        await page.goto(`${origin}/profile`)
        await page.getByLabel("Name of the new security key").fill("Desk key")
        await page.getByRole("button", { name: "Add a security key" }).click()
        await page.getByRole("button", { name: "Remove security key Desk key" }).waitFor()
        await page.getByText(/^On: .*1 security key/).waitFor()
        await screenshot(page, "12-profile-security-key")
        expect(await seriousViolations(page)).toEqual([])

        await page.getByRole("button", { name: "Sign out" }).click()
        await page.getByLabel("Username or email").fill(ADMIN.username)
        await page.getByLabel("Password").fill(ADMIN.password)
        await page.getByRole("button", { name: "Sign in" }).click()
        await page.getByRole("heading", { name: "Second step" }).waitFor()
        await page.getByRole("button", { name: "Use a security key" }).click()
        await page.getByRole("navigation", { name: "Main" }).waitFor()
      })
      // One key stored, and its use by the sign-in recorded.
      const rows = yield* sql<{ used: boolean }>`SELECT last_used_at IS NOT NULL AS used FROM webauthn_credentials`
      expect(rows).toEqual([{ used: true }])
    }), { timeout: 180_000 })
})
