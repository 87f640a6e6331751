/**
 * The OpenAPI document the gateway serves (built from MediaApi the same way) passes Redocly's
 * recommended lint without error, and explains every operation: summary, description, tag, errors.
 */
import { HttpApi, OpenApi } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { Option, Schema, SchemaAST } from "effect"
import * as ChildProcess from "node:child_process"
import * as Fs from "node:fs"
import { createRequire } from "node:module"
import * as Os from "node:os"
import * as Path from "node:path"
import { MediaApi } from "../src/index.js"

const LintReport = Schema.parseJson(Schema.Struct({
  totals: Schema.Struct({ errors: Schema.Number, warnings: Schema.Number }),
  problems: Schema.Array(Schema.Struct({ ruleId: Schema.String, severity: Schema.String, message: Schema.String }))
}))

const redocly = createRequire(import.meta.url).resolve("@redocly/cli/bin/cli.js")

const lint = (spec: OpenApi.OpenAPISpec) => {
  const dir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "openapi-lint-"))
  const file = Path.join(dir, "openapi.json")
  Fs.writeFileSync(file, JSON.stringify(spec))
  // The exit status says only whether errors were found: the JSON report says which.
  const run = ChildProcess.spawnSync(process.execPath, [redocly, "lint", file, "--extends=recommended", "--format=json"], {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" }
  })
  Fs.rmSync(dir, { recursive: true, force: true })
  return Schema.decodeUnknownSync(LintReport)(run.stdout)
}

describe("OpenAPI document", () => {
  const spec = OpenApi.fromApi(MediaApi)

  it("passes Redocly's recommended rules without error", () => {
    const report = lint(spec)
    const errors = report.problems.filter((p) => p.severity === "error").map((p) => `${p.ruleId}: ${p.message}`)
    expect(errors).toEqual([])
    expect(report.totals.errors).toBe(0)
  })

  it("describes every operation and its errors, and every tag", () => {
    const operations = Object.entries(spec.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({ name: `${method.toUpperCase()} ${path}`, op })))
    expect(operations.length).toBeGreaterThan(200)
    for (const { name, op } of operations) {
      expect(op.summary, name).toMatch(/\S/)
      expect(op.description, name).toMatch(/\S/)
      expect(op.tags, name).toHaveLength(1)
      expect(Object.keys(op.responses).some((status) => /^[45]\d\d$/.test(status)), name).toBe(true)
      // Every error body shows an example (request and success bodies where one helps).
      expect(JSON.stringify(op.responses), name).toContain('"examples"')
    }
    for (const tag of spec.tags) expect(tag.description, tag.name).toMatch(/\S/)
  })

  it("enumerates what a client may name: the playback profile's containers and codecs, sort fields", () => {
    const profile = JSON.stringify(spec.components.schemas["ClientProfile"])
    for (const field of ["containers", "videoCodecs", "audioCodecs"]) {
      expect(profile).toMatch(new RegExp(`"${field}":\\{"type":"array","items":\\{"type":"string","enum":\\[`))
    }
    const sort = spec.paths["/api/v1/movies"]?.get?.parameters.find((p) => p.name === "sort")
    expect(sort?.schema).toMatchObject({ enum: expect.arrayContaining(["title", "added"]) })
  })

  it("keeps one convention per concern: DELETE answers 204, lists page by limit/offset, progress is set with PUT", () => {
    for (const [path, methods] of Object.entries(spec.paths)) {
      const remove = methods.delete
      if (remove !== undefined) expect(Object.keys(remove.responses).filter((s) => s.startsWith("2")), `DELETE ${path}`).toEqual(["204"])
      const query = (methods.get?.parameters ?? []).filter((p) => p.in === "query").map((p) => p.name)
      // Metadata lookups pass the provider's own pages through; every list of ours takes limit/offset.
      if (query.includes("page") && !path.startsWith("/api/v1/metadata/")) {
        expect(query, `GET ${path}`).toEqual(expect.arrayContaining(["limit", "offset"]))
      }
    }
    expect(spec.paths["/api/v1/movies/{movieId}/progress"]?.put?.summary).toBe("Set movie progress")
    expect(spec.paths["/api/v1/tvshows/episodes/{episodeId}/progress"]?.put?.summary).toBe("Set episode progress")
  })

  it("declares every query parameter an operation reads", () => {
    const declared = new Map(Object.entries(spec.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => [
        `${method.toUpperCase()} ${path}`,
        op.parameters.filter((p) => p.in === "query").map((p) => p.name).sort()
      ])))
    const checked: Array<string> = []
    HttpApi.reflect(MediaApi, {
      onGroup() {},
      onEndpoint({ endpoint }) {
        Option.map(endpoint.urlParamsSchema, (schema) => {
          const name = `${endpoint.method} ${endpoint.path.replace(/:(\w+)/g, "{$1}")}`
          const read = SchemaAST.getPropertySignatures(SchemaAST.encodedAST(schema.ast)).map((p) => String(p.name))
          expect(declared.get(name), name).toEqual(read.sort())
          checked.push(name)
        })
      }
    })
    expect(checked).toContain("DELETE /api/v1/rbac/policies")
  })
})
