/** Search: movies, series, episodes and people, kept in step with the content by the database. */
export { SearchHttpLive } from "./Http.js"
export { SearchRpcLive } from "./Rpc.js"
export { Search } from "./Search.js"
export { runReindex, SearchReindex } from "./Reindex.js"
import { Layer } from "effect"
import { SearchReindex } from "./Reindex.js"
import { Search } from "./Search.js"

/** Needs PgClient, CacheStore, LibraryAccess and Jobs. */
export const SearchLive = Layer.merge(Search.layer, SearchReindex.layer)
export { tsTerms } from "./Match.js"
