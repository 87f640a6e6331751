import { Entity } from "@effect/cluster"
import { SqlClient } from "@effect/sql"
import { NodePing, PingResult, Unavailable } from "@mediaserver/domain"
import { Effect } from "effect"
import { NodeIdentity } from "../cluster/NodeIdentity.js"

/** Counts pings per entity in Postgres, so the count survives the entity moving to another node. */
export const NodePingLive = NodePing.toLayer(
  Effect.gen(function* () {
    const address = yield* Entity.CurrentAddress
    const sql = yield* SqlClient.SqlClient
    const node = yield* NodeIdentity
    return {
      Ping: () =>
        sql<{ readonly count: string }>`
          INSERT INTO node_ping (entity_id, count, last_node) VALUES (${address.entityId}, 1, ${node.id})
          ON CONFLICT (entity_id) DO UPDATE
            SET count = node_ping.count + 1, last_node = EXCLUDED.last_node, updated_at = now()
          RETURNING count
        `.pipe(
          Effect.map(
            (rows) =>
              new PingResult({ entityId: address.entityId, handledBy: node.id, count: Number(rows[0]?.count ?? 0) })
          ),
          Effect.mapError((e) => new Unavailable({ message: `ping storage failed: ${e.message}` }))
        )
    }
  })
)
