/**
 * Cluster wiring. Embedded (or no runner address): one `SingleRunner` on SQL storage. With
 * DATABASE_URL and RUNNER_HOST: a `NodeClusterSocket` runner; every runner on the database forms one
 * cluster, coordinating through Postgres (no shard manager). A cluster's shard-lock timings are tuned
 * for failover in seconds and must be the same on every node; a single runner's leave a wide margin
 * (shardLockTimings).
 */
import { RunnerAddress, SingleRunner } from "@effect/cluster"
import { NodeClusterSocket } from "@effect/platform-node"
import { StartupError } from "@mediaserver/domain"
import { Effect, Layer, Option } from "effect"
import { AppConfig, isEmbedded, isSingleRunner, shardLockTimings } from "../config/AppConfig.js"
import { MigrationsDone } from "../db/Migrations.js"

const EMBEDDED_RUNNER = RunnerAddress.make("embedded", 0)

const toStartupError = (error: { readonly message: string }) =>
  new StartupError({ component: "cluster", message: error.message })

export const ClusterLive = Layer.unwrapEffect(
  Effect.gen(function* () {
    const config = yield* AppConfig
    // Cluster storage tables are created by the migration step; wait for it.
    yield* MigrationsDone
    const timings = {
      ...shardLockTimings(config),
      refreshAssignmentsInterval: config.refreshAssignmentsInterval,
      entityMessagePollInterval: config.entityMessagePollInterval,
      // Messages to an entity on this runner skip a serialisation round trip (they are persisted
      // anyway): about twice the job throughput (see STACK.md).
      simulateRemoteSerialization: false
    }
    if (isSingleRunner(config) || Option.isNone(config.runnerHost)) {
      yield* Effect.logInfo("cluster: single runner")
      // The shard locks are held in the name of the runner's address. Left to itself, SingleRunner reads
      // HOST/PORT from the environment: restarted on another port after a crash, the node would wait up
      // to a lock expiration (60 s) for the shards its dead self still holds, and every scan or playback
      // call would time out meanwhile. The embedded data directory is locked to one process, so its
      // runner can keep one name for good; a single runner on Postgres is named by its HTTP address.
      const runnerAddress = isEmbedded(config)
        ? EMBEDDED_RUNNER
        : RunnerAddress.make(config.host, config.port)
      return SingleRunner.layer({
        runnerStorage: "sql",
        shardingConfig: { ...timings, runnerAddress: Option.some(runnerAddress) }
      }).pipe(
        Layer.mapError(toStartupError)
      )
    }
    const address = RunnerAddress.make(config.runnerHost.value, config.runnerPort)
    yield* Effect.logInfo(`cluster: runner at ${config.runnerHost.value}:${config.runnerPort}`)
    return NodeClusterSocket.layer({
      storage: "sql",
      shardingConfig: {
        ...timings,
        runnerAddress: Option.some(address),
        runnerListenAddress: Option.map(config.runnerListenHost, (host) => RunnerAddress.make(host, config.runnerPort))
      }
    }).pipe(Layer.mapError(toStartupError))
  })
)
