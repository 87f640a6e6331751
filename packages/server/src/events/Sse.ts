/**
 * GET /api/v1/events: the live event stream (Operations.ts) as server-sent events. Authenticated like
 * any request (bearer token, API key or the session cookie); the id of each event is its `seq`, which
 * the browser sends back as `Last-Event-ID` when it reconnects (or `?lastEventId=` on a fresh one).
 * A comment every EVENTS_HEARTBEAT keeps proxies and idle timeouts from closing the stream.
 */
import { HttpLayerRouter, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { CurrentUser, DomainEvent, type EventEnvelope } from "@mediaserver/domain"
import { type Duration, Effect, Option, Queue, Schedule, Schema, Stream } from "effect"
import { Authenticator } from "../auth/Authenticator.js"
import { AppConfig } from "../config/AppConfig.js"
import { makeEventsOperations } from "./Operations.js"

export const EVENTS_PATH = "/api/v1/events"

const encodeEvent = Schema.encodeSync(DomainEvent)

const utf8 = new TextEncoder()
/**
 * The bytes of an event's frame, made once per event however many clients it goes to (every client's
 * stream receives the same envelope object from the node's hub).
 */
const frames = new WeakMap<EventEnvelope, Uint8Array>()
const frame = (envelope: EventEnvelope): Uint8Array => {
  const known = frames.get(envelope)
  if (known !== undefined) return known
  const bytes = utf8.encode(
    `id: ${envelope.seq}\nevent: ${envelope.event._tag}\ndata: ${JSON.stringify({ at: envelope.at, ...encodeEvent(envelope.event) })}\n\n`
  )
  frames.set(envelope, bytes)
  return bytes
}
const HEARTBEAT = utf8.encode(": heartbeat\n\n")
const RETRY = utf8.encode("retry: 2000\n\n")

const resumeId = (request: HttpServerRequest.HttpServerRequest): number | undefined => {
  const header = request.headers["last-event-id"]
  const query = new URL(request.url, "http://localhost").searchParams.get("lastEventId")
  const raw = header ?? query ?? undefined
  if (raw === undefined || !/^\d{1,15}$/.test(raw)) return undefined
  return Number(raw)
}

/**
 * `events` with a heartbeat comment every `every` while it runs. Both feed one queue the response
 * reads: merging the two streams instead costs about ten times the CPU per event (a fiber hand-off
 * per element), which for hundreds of clients of one node is what delays an event. Ends with `events`.
 */
const withHeartbeat = (events: Stream.Stream<Uint8Array>, every: Duration.Duration): Stream.Stream<Uint8Array> =>
  Stream.unwrapScoped(Effect.gen(function* () {
    const out = yield* Queue.unbounded<Uint8Array | null>()
    yield* Effect.forkScoped(Effect.ensuring(Stream.runForEach(events, (bytes) => Queue.offer(out, bytes)), Queue.offer(out, null)))
    yield* Effect.forkScoped(Effect.delay(Effect.repeat(Queue.offer(out, HEARTBEAT), Schedule.spaced(every)), every))
    return Stream.takeWhile(Stream.fromQueue(out), (bytes): bytes is Uint8Array => bytes !== null)
  }))

export const EventsSseRoute = HttpLayerRouter.add(
  "GET",
  EVENTS_PATH,
  Effect.gen(function* () {
    const request = yield* HttpServerRequest.HttpServerRequest
    const authenticator = yield* Authenticator
    const { eventsHeartbeat } = yield* AppConfig
    const op = yield* makeEventsOperations
    const user = yield* authenticator.authenticate(request.headers, request.method)
    // The caller is provided to the stream's setup only, not around every event.
    const events = Stream.unwrapScoped(Effect.provideService(op.subscribe(resumeId(request)), CurrentUser, user)).pipe(
      Stream.map(frame),
      Stream.catchAll((error) =>
        Stream.make(utf8.encode(`event: error\ndata: ${JSON.stringify({ code: error._tag, message: error.message })}\n\n`)))
    )
    const body = Stream.concat(Stream.make(RETRY), withHeartbeat(events, eventsHeartbeat))
    return HttpServerResponse.stream(body, {
      contentType: "text/event-stream",
      headers: { "cache-control": "no-store", "x-accel-buffering": "no" }
    })
  })
)

export const resumeIdOf = (request: HttpServerRequest.HttpServerRequest) => Option.fromNullable(resumeId(request))
