import { Entity } from "@effect/cluster"
import { Rpc } from "@effect/rpc"
import { Unavailable } from "./errors.js"
import { PingResult } from "./system.js"

/** A trivial entity: proves a message from the HTTP layer reaches an entity, on any node. */
export const NodePing = Entity.make("NodePing", [
  Rpc.make("Ping", { success: PingResult, error: Unavailable })
])
