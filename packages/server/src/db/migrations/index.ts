import { Migrator } from "@effect/sql"
import nodePing from "./0001_node_ping.js"

/** Forward-only. Add `NNNN_name` entries; never edit one that has shipped. */
export const migrations = Migrator.fromRecord({
  "0001_node_ping": nodePing
})
