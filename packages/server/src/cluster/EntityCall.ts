/**
 * A call to a cluster entity as callers see it: the cluster's delivery failures (mailbox full, already
 * processing, storage down) and a call that does not answer in time are 503 Unavailable (try again),
 * never a cluster type; the entity's own errors pass through.
 */
import { ClusterError } from "@effect/cluster"
import { Unavailable } from "@mediaserver/domain"
import { type Duration, Effect } from "effect"

type DeliveryError = ClusterError.MailboxFull | ClusterError.AlreadyProcessingMessage | ClusterError.PersistenceError

const isDeliveryError = <E>(e: E): e is Extract<E, DeliveryError> =>
  e instanceof ClusterError.MailboxFull || e instanceof ClusterError.AlreadyProcessingMessage ||
  e instanceof ClusterError.PersistenceError

export const entityCall = (what: string, timeout: Duration.DurationInput) =>
<A, E, R>(call: Effect.Effect<A, E, R>): Effect.Effect<A, Exclude<E, Extract<E, DeliveryError>> | Unavailable, R> =>
  call.pipe(
    Effect.catchIf(isDeliveryError, (e) => Effect.fail(new Unavailable({ message: `${what}: ${e.message}` }))),
    Effect.timeoutFail({ duration: timeout, onTimeout: () => new Unavailable({ message: `${what} did not answer in time` }) })
  )
