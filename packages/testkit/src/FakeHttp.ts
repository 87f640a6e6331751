/**
 * A fake HTTP server on 127.0.0.1 standing in for external APIs (TMDb, Radarr, Sonarr...).
 *
 *   const server = yield* FakeHttp.make([
 *     { method: "GET", path: "/3/movie/:id", times: 2, response: { status: 429, headers: { "Retry-After": "1" } } },
 *     { method: "GET", path: "/3/movie/603", response: { body: fixture("tmdb/GET_3_movie_603.json") } },
 *   ])
 *   // ... point the client at server.url, then inspect `yield* server.requests`
 *
 * Routes are tried in order; the first whose method, path, query, headers and JSON body match answers.
 * A route with `times` answers that many times, then is skipped. Unmatched requests get a 404.
 */
import * as Http from "node:http"
import * as Fs from "node:fs/promises"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import { Array as Arr, Config, Data, Effect, Either, FiberSet, Option, Order, Predicate, Ref, Schema, Scope } from "effect"

// ---------------------------------------------------------------------------------------------------------
// Types

export class FixtureError extends Data.TaggedError("FixtureError")<{
  readonly message: string
  readonly cause?: unknown
}> {}

/** A file under the fixtures directory, read when the response is sent. Build with `fixture(path)`. */
export class FixtureRef extends Data.TaggedClass("FixtureRef")<{ readonly path: string }> {}

/** A fixture file holding `{ http_status, headers, body }` (e.g. tmdb/ERROR_429_rate_limited.json). */
export class EnvelopeRef extends Data.TaggedClass("EnvelopeRef")<{
  readonly path: string
  readonly overrides: ResponseSpec
}> {}

export interface ResponseSpec {
  /** Default 200. */
  readonly status?: number
  readonly headers?: Readonly<Record<string, string>>
  /**
   * `undefined`: empty body. A `FixtureRef`: the file's bytes. A string: sent as-is (text/plain unless a
   * Content-Type header is given). A Uint8Array: raw bytes. Anything else: JSON-encoded.
   */
  readonly body?: unknown
  /** Real wall-clock delay before answering (independent of TestClock). */
  readonly delayMs?: number
}

export interface RecordedRequest {
  readonly method: string
  /** Path without the query string, still percent-encoded. */
  readonly path: string
  /** Decoded query parameters (last value wins for repeated keys). */
  readonly query: Readonly<Record<string, string>>
  /** The raw request target, path and query. */
  readonly url: string
  /** Lower-cased header names. */
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
}

export type Params = Readonly<Record<string, string>>

export interface RouteMatch {
  /** Query parameters the request must carry (others are allowed). */
  readonly query?: Readonly<Record<string, string>>
  /** Headers the request must carry, names case-insensitive. */
  readonly headers?: Readonly<Record<string, string>>
  /** The request body, parsed as JSON, must contain this (objects: subset of keys; arrays: same length). */
  readonly json?: unknown
}

export interface Route {
  /** "GET", "POST", ... or "*" for any. */
  readonly method: string
  /**
   * Exact path, `:name` segments (captured in params), a trailing `*` (any rest), or "*" for anything.
   * A `?k=v` suffix adds required query parameters.
   */
  readonly path: string
  readonly match?: RouteMatch
  readonly response: ResponseSpec | EnvelopeRef | ((request: RecordedRequest, params: Params) => ResponseSpec)
  /** Answer this many times, then fall through to the next matching route. */
  readonly times?: number
}

export interface FakeHttpServer {
  /** e.g. `http://127.0.0.1:43121`, no trailing slash. */
  readonly url: string
  readonly port: number
  /** Every request received so far, in arrival order (matched or not). */
  readonly requests: Effect.Effect<ReadonlyArray<RecordedRequest>>
  /** Replace all routes (and their `times` counters). */
  readonly setRoutes: (routes: ReadonlyArray<Route>) => Effect.Effect<void>
  /** Add a route that takes precedence over the existing ones. */
  readonly addRoute: (route: Route) => Effect.Effect<void>
  /** Forget recorded requests and go back to the routes given to `make`. */
  readonly reset: Effect.Effect<void>
}

// ---------------------------------------------------------------------------------------------------------
// Fixtures

const moduleDir = Path.dirname(fileURLToPath(import.meta.url))

const exists = (path: string): Effect.Effect<boolean> =>
  Effect.promise(() => Fs.access(path).then(() => true, () => false))

/** `FIXTURES_DIR` if set, else the fixtures kept in this repository beside the test support. */
export const fixturesDir: Effect.Effect<string, FixtureError> = Effect.gen(function*() {
  const fromEnv = yield* Config.option(Config.string("FIXTURES_DIR")).pipe(
    Effect.mapError((cause) => new FixtureError({ message: "cannot read FIXTURES_DIR", cause }))
  )
  const dir = Option.isSome(fromEnv)
    ? Path.resolve(fromEnv.value)
    : Path.resolve(moduleDir, "..", "fixtures")
  if (!(yield* exists(dir))) {
    return yield* new FixtureError({ message: `fixtures directory not found: ${dir} (set FIXTURES_DIR)` })
  }
  return dir
})

/** A reference to `<fixturesDir>/<relativePath>`, usable as a response body. */
export const fixture = (relativePath: string): FixtureRef => new FixtureRef({ path: relativePath })

/** A response taken from an envelope fixture `{ http_status, headers, body }`; `overrides` win. */
export const envelope = (relativePath: string, overrides: ResponseSpec = {}): EnvelopeRef =>
  new EnvelopeRef({ path: relativePath, overrides })

const readFixtureIn = (dir: string, relativePath: string): Effect.Effect<Uint8Array, FixtureError> =>
  Effect.tryPromise({
    try: () => Fs.readFile(Path.resolve(dir, relativePath)),
    catch: (cause) => new FixtureError({ message: `cannot read fixture ${relativePath}`, cause })
  })

export const readFixture = (relativePath: string): Effect.Effect<string, FixtureError> =>
  fixturesDir.pipe(
    Effect.flatMap((dir) => readFixtureIn(dir, relativePath)),
    Effect.map((bytes) => Buffer.from(bytes).toString("utf8"))
  )

export const readFixtureJson = (relativePath: string): Effect.Effect<unknown, FixtureError> =>
  readFixture(relativePath).pipe(
    Effect.flatMap(Schema.decodeUnknown(Schema.parseJson())),
    Effect.mapError((cause) =>
      cause._tag === "FixtureError" ? cause : new FixtureError({ message: `bad JSON in ${relativePath}`, cause })
    )
  )

const Envelope = Schema.parseJson(Schema.Struct({
  http_status: Schema.Number,
  headers: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.String })),
  body: Schema.optional(Schema.Unknown)
}))

// ---------------------------------------------------------------------------------------------------------
// fixtureRoutes: file names -> routes
//
//   GET_api_v3_movie_1.json                           GET  /api/v3/movie/1                          200
//   GET_api_v3_episode_seriesId_1_includeEpisodeFile  GET  /api/v3/episode?seriesId=1&includeEpisodeFile=true
//   GET_api_v3_command_1234_completed.json            GET  /api/v3/command/1234  (trailing command status = label)
//   GET_3_search_movie_The_Matrix.json                GET  /3/search/movie?query=The Matrix
//   GET_3_search_movie_nomatch.json                   GET  /3/search/movie  (any other query)
//   POST_api_v3_command_RefreshMovie.response.json    POST /api/v3/command with JSON body {name:"RefreshMovie"}  201
//   ERROR_404_api_v3_movie_999.json                   GET  /api/v3/movie/999                        404
//
// camelCase tokens are query keys (value = next token, or "true" if none); a PascalCase token in a
// non-GET name is the command `name`. ERROR files whose first path token is not a root used by the
// directory's GET/POST files (tmdb/ERROR_401_invalid_api_key.json...) are generic bodies, not routes.
// `.request.json` and other files are skipped. Routes with more conditions come first.

const METHODS = new Set(["GET", "POST", "PUT", "PATCH", "DELETE"])
// Radarr/Sonarr CommandStatus values: a state label, not a path segment.
const COMMAND_STATUSES = new Set(["queued", "started", "completed", "failed", "aborted", "cancelled", "orphaned"])
const isCamel = (token: string) => /^[a-z]+[A-Z][A-Za-z0-9]*$/.test(token)
const isPascal = (token: string) => /^[A-Z]/.test(token)

interface ParsedName {
  readonly method: string
  readonly status: number
  readonly tokens: ReadonlyArray<string>
}

const parseHead = (file: string): Option.Option<ParsedName> => {
  if (!file.endsWith(".json") || file.endsWith(".request.json")) return Option.none()
  const [head = "", ...rest] = file.replace(/(\.response)?\.json$/, "").split("_")
  if (METHODS.has(head)) return Option.some({ method: head, status: head === "POST" ? 201 : 200, tokens: rest })
  const [status = "", ...tokens] = rest
  return head === "ERROR" && /^\d{3}$/.test(status)
    ? Option.some({ method: "GET", status: Number(status), tokens })
    : Option.none()
}

const toRoute = (dir: string, file: string, parsed: ParsedName): Route => {
  const tokens = COMMAND_STATUSES.has(parsed.tokens.at(-1) ?? "") ? parsed.tokens.slice(0, -1) : parsed.tokens
  const segments: Array<string> = []
  const query: Record<string, string> = {}
  let json: { name: string } | undefined
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] ?? ""
    const next = tokens[i + 1]
    if (segments.at(-2) === "search") {
      // TMDb search term; "nomatch" is the fallback for any other term.
      const term = tokens.slice(i).join(" ")
      if (term !== "nomatch") query["query"] = term
      break
    }
    if (isCamel(token)) {
      const hasValue = next !== undefined && !isCamel(next)
      query[token] = hasValue ? next : "true"
      if (hasValue) i++
    } else if (isPascal(token) && parsed.method !== "GET") {
      json = { name: tokens.slice(i).join("_") }
      break
    } else {
      segments.push(token)
    }
  }
  return {
    method: parsed.method,
    path: "/" + segments.join("/"),
    match: { query, ...(json === undefined ? {} : { json }) },
    response: { status: parsed.status, body: fixture(Path.join(dir, file)) }
  }
}

const specificity = (route: Route): number =>
  Object.keys(route.match?.query ?? {}).length + (route.match?.json === undefined ? 0 : 1)

/** Routes for every request/response fixture in `<fixturesDir>/<dir>` (e.g. "radarr"). */
export const fixtureRoutes = (dir: string): Effect.Effect<ReadonlyArray<Route>, FixtureError> =>
  Effect.gen(function*() {
    const root = yield* fixturesDir
    const files = yield* Effect.tryPromise({
      try: () => Fs.readdir(Path.join(root, dir)),
      catch: (cause) => new FixtureError({ message: `cannot list fixtures in ${dir}`, cause })
    })
    const parsed = Arr.filterMap(Arr.sort(files, Order.string), (file) =>
      Option.map(parseHead(file), (head) => ({ file, head })))
    const roots = new Set(parsed.filter(({ file }) => !file.startsWith("ERROR_")).map(({ head }) => head.tokens[0]))
    const routes = parsed
      .filter(({ head }) => roots.has(head.tokens[0]))
      .map(({ file, head }) => toRoute(dir, file, head))
    // Array.prototype.sort is stable: equal specificity keeps file-name order.
    return [...routes].sort((a, b) => specificity(b) - specificity(a))
  })

// ---------------------------------------------------------------------------------------------------------
// Matching

interface RouteState {
  readonly route: Route
  readonly segments: ReadonlyArray<string>
  readonly query: Readonly<Record<string, string>>
  readonly remaining: number | undefined
}

const compile = (route: Route): RouteState => {
  const [pathPart = "", search = ""] = route.path.split("?", 2)
  return {
    route,
    segments: pathPart.split("/"),
    query: { ...Object.fromEntries(new URLSearchParams(search)), ...route.match?.query },
    remaining: route.times
  }
}

const decode = (segment: string): string =>
  Either.getOrElse(Either.try(() => decodeURIComponent(segment)), () => segment)

const matchPath = (pattern: ReadonlyArray<string>, path: string): Option.Option<Params> => {
  if (pattern.length === 1 && pattern[0] === "*") return Option.some({})
  const actual = path.split("/")
  const params: Record<string, string> = {}
  for (let i = 0; i < pattern.length; i++) {
    const want = pattern[i] ?? ""
    if (want === "*" && i === pattern.length - 1) {
      params["*"] = actual.slice(i).join("/")
      return Option.some(params)
    }
    const got = actual[i]
    if (got === undefined) return Option.none()
    if (want.startsWith(":")) params[want.slice(1)] = decode(got)
    else if (want !== got) return Option.none()
  }
  return pattern.length === actual.length ? Option.some(params) : Option.none()
}

// Objects match on a subset of keys, arrays element-wise, everything else by ===.
const contains = (actual: unknown, expected: unknown): boolean => {
  if (Arr.isArray(expected)) {
    return Arr.isArray(actual) && actual.length === expected.length &&
      expected.every((item, i) => contains(actual[i], item))
  }
  if (Predicate.isRecord(expected)) {
    return Predicate.isRecord(actual) && Object.keys(expected).every((key) => contains(actual[key], expected[key]))
  }
  return actual === expected
}

const matches = (state: RouteState, request: RecordedRequest): Option.Option<Params> => {
  const { route } = state
  if (state.remaining !== undefined && state.remaining <= 0) return Option.none()
  if (route.method !== "*" && route.method.toUpperCase() !== request.method) return Option.none()
  if (!Object.entries(state.query).every(([key, value]) => request.query[key] === value)) return Option.none()
  const headers = route.match?.headers ?? {}
  if (!Object.entries(headers).every(([key, value]) => request.headers[key.toLowerCase()] === value)) {
    return Option.none()
  }
  if (route.match?.json !== undefined) {
    const body = Schema.decodeUnknownOption(Schema.parseJson())(request.body)
    if (Option.isNone(body) || !contains(body.value, route.match.json)) return Option.none()
  }
  return matchPath(state.segments, request.path)
}

// Finds the first live matching route and consumes one of its `times`.
const pick = (
  states: ReadonlyArray<RouteState>,
  request: RecordedRequest
): [Option.Option<{ route: Route; params: Params }>, ReadonlyArray<RouteState>] => {
  for (let i = 0; i < states.length; i++) {
    const state = states[i]
    if (state === undefined) continue
    const params = matches(state, request)
    if (Option.isSome(params)) {
      const used = { ...state, remaining: state.remaining === undefined ? undefined : state.remaining - 1 }
      return [Option.some({ route: state.route, params: params.value }), Arr.replace(states, i, used)]
    }
  }
  return [Option.none(), states]
}

// ---------------------------------------------------------------------------------------------------------
// Serving

interface Outgoing {
  readonly status: number
  readonly headers: Record<string, string>
  readonly payload: Uint8Array | string
}

const CONTENT_TYPES: Record<string, string> = {
  ".json": "application/json; charset=utf-8",
  ".srt": "application/x-subrip",
  ".txt": "text/plain; charset=utf-8",
  ".xml": "application/xml"
}

const encodeBody = (
  body: unknown,
  dir: Effect.Effect<string, FixtureError>
): Effect.Effect<{ payload: Uint8Array | string; contentType?: string }, FixtureError> => {
  if (body === undefined) return Effect.succeed({ payload: "" })
  if (body instanceof FixtureRef) {
    return Effect.flatMap(dir, (root) => readFixtureIn(root, body.path)).pipe(
      Effect.map((payload) => ({
        payload,
        contentType: CONTENT_TYPES[Path.extname(body.path)] ?? "application/octet-stream"
      }))
    )
  }
  if (typeof body === "string") return Effect.succeed({ payload: body, contentType: "text/plain; charset=utf-8" })
  if (body instanceof Uint8Array) return Effect.succeed({ payload: body, contentType: "application/octet-stream" })
  return Schema.encode(Schema.parseJson())(body).pipe(
    Effect.map((payload) => ({ payload, contentType: "application/json; charset=utf-8" })),
    Effect.mapError((cause) => new FixtureError({ message: "response body is not JSON-serialisable", cause }))
  )
}

const resolveSpec = (
  response: Route["response"],
  request: RecordedRequest,
  params: Params,
  dir: Effect.Effect<string, FixtureError>
): Effect.Effect<ResponseSpec, FixtureError> => {
  if (typeof response === "function") return Effect.sync(() => response(request, params))
  if (!(response instanceof EnvelopeRef)) return Effect.succeed(response)
  return Effect.flatMap(dir, (root) => readFixtureIn(root, response.path)).pipe(
    Effect.flatMap((bytes) => Schema.decodeUnknown(Envelope)(Buffer.from(bytes).toString("utf8"))),
    Effect.mapError((cause) =>
      cause._tag === "FixtureError" ? cause : new FixtureError({ message: `bad envelope ${response.path}`, cause })
    ),
    Effect.map((file) => ({
      status: response.overrides.status ?? file.http_status,
      headers: { ...file.headers, ...response.overrides.headers },
      body: "body" in response.overrides ? response.overrides.body : file.body,
      ...(response.overrides.delayMs === undefined ? {} : { delayMs: response.overrides.delayMs })
    }))
  )
}

const toOutgoing = (
  spec: ResponseSpec,
  dir: Effect.Effect<string, FixtureError>
): Effect.Effect<Outgoing, FixtureError> =>
  Effect.map(encodeBody(spec.body, dir), ({ payload, contentType }) => {
    const headers: Record<string, string> = { ...spec.headers }
    const hasType = Object.keys(headers).some((key) => key.toLowerCase() === "content-type")
    if (contentType !== undefined && !hasType) headers["Content-Type"] = contentType
    return { status: spec.status ?? 200, headers, payload }
  })

// Real timer on purpose: tests run under TestClock, and the server must still answer.
const realSleep = (ms: number): Effect.Effect<void> =>
  Effect.async<void>((resume) => {
    const timer = setTimeout(() => resume(Effect.void), ms)
    return Effect.sync(() => clearTimeout(timer))
  })

const readBody = (req: Http.IncomingMessage): Effect.Effect<string> =>
  Effect.async<string>((resume) => {
    const chunks: Array<Buffer> = []
    req.on("data", (chunk: Buffer) => chunks.push(chunk))
    // An aborted upload is recorded with what arrived; the answer goes nowhere anyway.
    req.on("end", () => resume(Effect.succeed(Buffer.concat(chunks).toString("utf8"))))
    req.on("error", () => resume(Effect.succeed(Buffer.concat(chunks).toString("utf8"))))
  })

const record = (req: Http.IncomingMessage, body: string): RecordedRequest => {
  const url = new URL(req.url ?? "/", "http://fake.invalid")
  const headers: Record<string, string> = {}
  for (const [key, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[key] = Array.isArray(value) ? value.join(", ") : value
  }
  return {
    method: (req.method ?? "GET").toUpperCase(),
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    url: req.url ?? "/",
    headers,
    body
  }
}

const send = (res: Http.ServerResponse, out: Outgoing): Effect.Effect<void> =>
  Effect.sync(() => {
    if (res.headersSent || res.destroyed) return
    res.writeHead(out.status, out.headers)
    res.end(out.payload)
  })

const listen = (handler: Http.RequestListener): Effect.Effect<Http.Server> =>
  Effect.async<Http.Server>((resume) => {
    const server = Http.createServer(handler)
    server.once("error", (error) => resume(Effect.die(error)))
    server.listen(0, "127.0.0.1", () => resume(Effect.succeed(server)))
  })

const close = (server: Http.Server): Effect.Effect<void> =>
  Effect.async<void>((resume) => {
    server.close(() => resume(Effect.void))
    // Keep-alive and in-flight (delayed) connections would otherwise hold close() open.
    server.closeAllConnections()
  })

/** Starts a server with `routes`; it is closed, and in-flight handlers interrupted, when the scope closes. */
export const make = (routes: ReadonlyArray<Route> = []): Effect.Effect<FakeHttpServer, never, Scope.Scope> =>
  Effect.gen(function*() {
    const initial = routes.map(compile)
    const routesRef = yield* Ref.make<ReadonlyArray<RouteState>>(initial)
    const requestsRef = yield* Ref.make<ReadonlyArray<RecordedRequest>>([])
    const dir = yield* Effect.cached(fixturesDir)
    // Created before the server so that, on scope close, the server shuts first and handlers are then interrupted.
    const run = yield* FiberSet.makeRuntime<never>()

    const handle = (req: Http.IncomingMessage, res: Http.ServerResponse): Effect.Effect<void> =>
      Effect.gen(function*() {
        const request = record(req, yield* readBody(req))
        yield* Ref.update(requestsRef, Arr.append(request))
        const hit = yield* Ref.modify(routesRef, (states) => pick(states, request))
        const spec: ResponseSpec = Option.isSome(hit)
          ? yield* resolveSpec(hit.value.route.response, request, hit.value.params, dir)
          : { status: 404, body: { error: "no fake route", method: request.method, path: request.path } }
        if (spec.delayMs !== undefined && spec.delayMs > 0) yield* realSleep(spec.delayMs)
        yield* send(res, yield* toOutgoing(spec, dir))
      }).pipe(
        // Surface helper mistakes (missing fixture, bad envelope) to the test as a 500 it can read.
        Effect.catchAll((error) =>
          send(res, {
            status: 500,
            headers: { "Content-Type": "application/json; charset=utf-8" },
            payload: JSON.stringify({ error: "fake server error", message: error.message, cause: String(error.cause ?? "") })
          })
        )
      )

    const server = yield* Effect.acquireRelease(listen((req, res) => run(handle(req, res))), close)
    const address = server.address()
    const port = address !== null && typeof address === "object"
      ? address.port
      : yield* Effect.dieMessage(`unexpected server address ${String(address)}`)

    return {
      url: `http://127.0.0.1:${port}`,
      port,
      requests: Ref.get(requestsRef),
      setRoutes: (next) => Ref.set(routesRef, next.map(compile)),
      addRoute: (route) => Ref.update(routesRef, Arr.prepend(compile(route))),
      reset: Effect.zipRight(Ref.set(requestsRef, []), Ref.set(routesRef, initial))
    }
  })

export const FakeHttp = {
  make,
  fixture,
  envelope,
  fixtureRoutes,
  fixturesDir,
  readFixture,
  readFixtureJson
}
