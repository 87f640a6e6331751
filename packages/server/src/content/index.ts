/** Browsing and watch state: movies, collections, series, people, genres, each user's progress and history. */
import { Layer } from "effect"
import { Genres } from "./Genres.js"
import { Movies } from "./Movies.js"
import { People } from "./People.js"
import { Series } from "./Series.js"
import { UserMarks } from "./UserMarks.js"
import { Watching } from "./Watching.js"
import { UserProgress } from "./UserProgress.js"

export { BrowseHttpLive } from "./Http.js"
export { BrowseRpcLive } from "./Rpc.js"
export { allContentChanged, contentChanged } from "./ContentCache.js"
export { Genres, Movies, People, Series, UserMarks, Watching, UserProgress }

/** Needs PgClient, CacheStore, AppConfig and LibraryAccess. */
export const ContentLive = Layer.mergeAll(Movies.layer, People.layer, Genres.layer, Watching.layer, UserMarks.layer).pipe(
  Layer.provideMerge(Layer.merge(Series.layer, UserProgress.layer))
)
