import { describe, expect, it } from "@effect/vitest"
import { Effect, Schema } from "effect"
import { queryRows } from "@mediaserver/testkit/TestDatabase"
import { account, read, request } from "@mediaserver/testkit/Http"
import { codeStep, enableTotp, passwordStep, readTokens, startMfaServer, status } from "./Mfa.js"

const readCodes = read(Schema.Struct({ codes: Schema.Array(Schema.String) }))

describe("backup codes", () => {
  it.scopedLive("10 codes shown once, each works once (any case, with or without dash); regenerating voids the old ones", () =>
    Effect.gen(function* () {
      const { url, database } = yield* startMfaServer()
      const fay = yield* account(url, "fay")
      yield* enableTotp(url, fay.auth)
      const { codes } = yield* readCodes(yield* request(url, "POST", "/api/v1/mfa/backup-codes/generate", { auth: fay.auth }))
      expect(codes).toHaveLength(10)
      expect(new Set(codes).size).toBe(10)
      expect(codes.every((code) => /^[a-z2-9]{5}-[a-z2-9]{5}$/.test(code))).toBe(true)
      // Shown once: asking again is a conflict, not the same codes.
      expect((yield* request(url, "POST", "/api/v1/mfa/backup-codes/generate", { auth: fay.auth })).status).toBe(409)
      // Stored hashed: no code appears in the database.
      const stored = yield* queryRows(database.url, "SELECT code_hash FROM mfa_backup_codes")
      expect(stored).toHaveLength(10)
      expect(stored.some((row) => codes.some((code) => JSON.stringify(row).includes(code.replace("-", ""))))).toBe(false)

      const [first = "", second = ""] = codes
      const challenge = yield* passwordStep(url, "fay")
      expect(challenge.methods).toEqual(["totp", "backupCode"])
      yield* readTokens(yield* codeStep(url, challenge.mfaToken, first.toUpperCase()))
      const again = yield* passwordStep(url, "fay")
      expect((yield* codeStep(url, again.mfaToken, first)).status).toBe(401)
      expect((yield* status(url, fay.auth)).backupCodesRemaining).toBe(9)
      yield* readTokens(yield* codeStep(url, again.mfaToken, second.replace("-", "")))

      const renewed = yield* readCodes(yield* request(url, "POST", "/api/v1/mfa/backup-codes/regenerate", { auth: fay.auth }))
      expect(renewed.codes.some((code) => codes.includes(code))).toBe(false)
      const third = yield* passwordStep(url, "fay")
      expect((yield* codeStep(url, third.mfaToken, codes[2] ?? "")).status).toBe(401)
      yield* readTokens(yield* codeStep(url, third.mfaToken, renewed.codes[0] ?? ""))
      expect((yield* status(url, fay.auth)).backupCodesRemaining).toBe(9)
    }))
})

