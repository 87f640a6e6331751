/**
 * GET /api/v1/events: the live event stream (Operations.ts) as server-sent events. Authenticated like
 * any request (bearer token, API key or the session cookie); the id of each event is its `seq`, which
 * the browser sends back as `Last-Event-ID` when it reconnects (or `?lastEventId=` on a fresh one).
 * A comment every EVENTS_HEARTBEAT keeps proxies and idle timeouts from closing the stream.
 */
import { HttpLayerRouter, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { CurrentUser, DomainEvent, type EventEnvelope } from "@mediaserver/domain"
import { Effect, Option, Schema, Stream } from "effect"
import { Authenticator } from "../auth/Authenticator.js"
import { AppConfig } from "../config/AppConfig.js"
import { makeEventsOperations } from "./Operations.js"

export const EVENTS_PATH = "/api/v1/events"

const encodeEvent = Schema.encodeSync(DomainEvent)

const frame = (envelope: EventEnvelope) =>
  `id: ${envelope.seq}\nevent: ${envelope.event._tag}\ndata: ${JSON.stringify({ at: envelope.at, ...encodeEvent(envelope.event) })}\n\n`

const resumeId = (request: HttpServerRequest.HttpServerRequest): number | undefined => {
  const header = request.headers["last-event-id"]
  const query = new URL(request.url, "http://localhost").searchParams.get("lastEventId")
  const raw = header ?? query ?? undefined
  if (raw === undefined || !/^\d{1,15}$/.test(raw)) return undefined
  return Number(raw)
}

export const EventsSseRoute = HttpLayerRouter.add(
  "GET",
  EVENTS_PATH,
  Effect.gen(function* () {
    const request = yield* HttpServerRequest.HttpServerRequest
    const authenticator = yield* Authenticator
    const { eventsHeartbeat } = yield* AppConfig
    const op = yield* makeEventsOperations
    const user = yield* authenticator.authenticate(request.headers, request.method)
    const events = op.EventsSubscribe({ lastEventId: resumeId(request) }).pipe(
      Stream.provideService(CurrentUser, user),
      Stream.map(frame)
    )
    const heartbeat = Stream.tick(eventsHeartbeat).pipe(Stream.drop(1), Stream.as(": heartbeat\n\n"))
    const body = Stream.concat(
      Stream.make("retry: 2000\n\n"),
      Stream.merge(events, heartbeat, { haltStrategy: "left" })
    ).pipe(
      Stream.catchAll((error) => Stream.make(`event: error\ndata: ${JSON.stringify({ code: error._tag, message: error.message })}\n\n`)),
      Stream.encodeText
    )
    return HttpServerResponse.stream(body, {
      contentType: "text/event-stream",
      headers: { "cache-control": "no-store", "x-accel-buffering": "no" }
    })
  })
)

export const resumeIdOf = (request: HttpServerRequest.HttpServerRequest) => Option.fromNullable(resumeId(request))
