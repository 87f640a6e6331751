// `npm run cluster -- N` (or `npm run cluster -- api,worker,all`): a cluster on one machine. Starts the
// nodes (role `all` unless roles are listed) on one Postgres and one Redis, each with its own HTTP and
// runner port, and a round-robin HTTP proxy on PORT (8096) in front of the nodes that serve the API.
// Ctrl-C stops every node it started (by process id) and the proxy.
//
// DATABASE_URL (default: a `mediaserver_cluster` database on the local Postgres, created if missing) and
// REDIS_URL (default redis://127.0.0.1:6379) are shared by every node; everything else in the
// environment is passed on. A request that cannot reach a node (refused, reset before an answer) is
// tried on the next one, so a node that dies costs no request that had not started.
import { spawn } from "node:child_process"
import * as Http from "node:http"
import { fileURLToPath } from "node:url"
import * as Path from "node:path"
import Pg from "pg"

const root = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "..")
const ROLES = new Set(["api", "worker", "all"])
const arg = process.argv[2] ?? "3"
const roles = /^\d+$/.test(arg) ? Array.from({ length: Number(arg) }, () => "all") : arg.split(",")
if (roles.length === 0 || roles.some((r) => !ROLES.has(r)) || !roles.some((r) => r !== "worker")) {
  console.error("Usage: npm run cluster -- N | ROLE,ROLE,... (roles: api, worker, all; at least one serves the API)")
  process.exit(2)
}
const proxyPort = Number(process.env.PORT ?? 8096)
const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379"

const databaseUrl = async () => {
  if (process.env.DATABASE_URL !== undefined) return process.env.DATABASE_URL
  const admin = new Pg.Client({ connectionString: "postgres://postgres@127.0.0.1:5432/postgres" })
  await admin.connect()
  const exists = await admin.query("SELECT 1 FROM pg_database WHERE datname = 'mediaserver_cluster'")
  if (exists.rowCount === 0) await admin.query("CREATE DATABASE mediaserver_cluster")
  await admin.end()
  return "postgres://postgres@127.0.0.1:5432/mediaserver_cluster"
}

const children = []
const running = (child) => child.exitCode === null && child.signalCode === null
const startNode = (index, role, env) => {
  const port = proxyPort + 1 + index
  const child = spawn(process.execPath, ["--enable-source-maps", "scripts/start.mjs"], {
    cwd: root,
    env: {
      ...process.env, ...env, NODE_ROLE: role, PORT: String(port), HOST: "127.0.0.1",
      RUNNER_HOST: "127.0.0.1", RUNNER_PORT: String(proxyPort + 101 + index),
      // The proxy is the client's only hop: it says who the client is.
      AUTH_TRUSTED_PROXIES: "127.0.0.1/32"
    },
    stdio: ["ignore", "pipe", "pipe"]
  })
  const prefix = `[node-${index + 1} ${role}:${port}] `
  for (const stream of [child.stdout, child.stderr]) {
    let rest = ""
    stream.on("data", (chunk) => {
      const lines = (rest + chunk.toString()).split("\n")
      rest = lines.pop() ?? ""
      for (const line of lines) process.stdout.write(prefix + line + "\n")
    })
  }
  child.on("exit", (code, signal) => console.log(`${prefix}exited (${signal ?? code})`))
  children.push(child)
  return { port, role, child }
}

const ready = async (port, deadline = Date.now() + 120_000) => {
  while (Date.now() < deadline) {
    const ok = await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.status === 200, () => false)
    if (ok) return
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
  throw new Error(`node on port ${port} not ready after 2 minutes`)
}

const env = { DATABASE_URL: await databaseUrl(), REDIS_URL: redisUrl }
const nodes = []
try {
  // The first node applies the migrations (and builds); the others start once it is ready.
  nodes.push(startNode(0, roles[0], env))
  await ready(nodes[0].port)
  for (let i = 1; i < roles.length; i++) nodes.push(startNode(i, roles[i], env))
  await Promise.all(nodes.map((n) => ready(n.port)))
} catch (error) {
  console.error(`cluster: ${error instanceof Error ? error.message : String(error)}`)
  for (const child of children) if (running(child)) child.kill("SIGTERM")
  process.exit(1)
}
const backends = nodes.filter((n) => n.role !== "worker").map((n) => n.port)

let next = 0
const forward = (req, res, body, attempt) => {
  const port = backends[next++ % backends.length]
  const upstream = Http.request({
    host: "127.0.0.1", port, method: req.method, path: req.url,
    headers: { ...req.headers, "x-forwarded-for": req.socket.remoteAddress ?? "" }
  }, (answer) => {
    res.writeHead(answer.statusCode ?? 502, answer.headers)
    answer.pipe(res)
  })
  upstream.on("error", (error) => {
    if (res.headersSent) return res.destroy(error)
    if (attempt + 1 < backends.length) return forward(req, res, body, attempt + 1)
    res.writeHead(502, { "content-type": "application/json" })
    res.end(JSON.stringify({ code: "BadGateway", message: `no node answered: ${error.message}` }))
  })
  upstream.end(body)
}
const proxy = Http.createServer((req, res) => {
  // Bodies are small (uploads are images): kept, so a request can go to the next node if one is down.
  const chunks = []
  req.on("data", (chunk) => chunks.push(chunk))
  req.on("end", () => forward(req, res, Buffer.concat(chunks), 0))
})
proxy.listen(proxyPort, "0.0.0.0", () =>
  console.log(`cluster: ${nodes.length} nodes (${roles.join(", ")}) on ${env.DATABASE_URL.replace(/\/\/[^@]*@/, "//")}; proxy on http://localhost:${proxyPort} -> ${backends.join(", ")}`))

let stopping = false
const stop = () => {
  if (stopping) return
  stopping = true
  console.log("cluster: stopping")
  proxy.close()
  for (const child of children) if (running(child)) child.kill("SIGTERM")
  const force = setTimeout(() => {
    for (const child of children) if (running(child)) child.kill("SIGKILL")
  }, 15_000)
  Promise.all(children.map((c) => (running(c) ? new Promise((resolve) => c.once("exit", resolve)) : null))).then(() => {
    clearTimeout(force)
    process.exit(0)
  })
}
process.on("SIGINT", stop)
process.on("SIGTERM", stop)
