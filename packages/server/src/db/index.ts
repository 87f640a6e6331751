/** The database: the pool (Postgres, or the embedded one) and the migrations. */
export { DatabaseLive } from "./Database.js"
export { migrate } from "./Migrations.js"
export { MIGRATION_CHECKSUMS } from "./migrations/checksums.js"
