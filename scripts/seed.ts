/**
 * `npm run seed`: fills a Postgres database (DATABASE_URL) with a movie and a TV library of generated
 * content (migrations first), for trying the browsing API or measuring it. Grant users access to the
 * two libraries it prints (POST /api/v1/libraries/{id}/permissions); admins see them at once.
 *
 * Settings (env): SEED_MOVIES (5000), SEED_SERIES (500), SEED_SEASONS (4), SEED_EPISODES (10 per season).
 */
import { NodeRuntime } from "@effect/platform-node"
import { Config, Effect, Layer } from "effect"
import { AppConfig } from "@mediaserver/server/config"
import { DatabaseLive } from "@mediaserver/server/db"
import { migrate } from "@mediaserver/server/db"
import { seedContent } from "@mediaserver/server/dev"

const settings = Config.all({
  databaseUrl: Config.string("DATABASE_URL"),
  movies: Config.integer("SEED_MOVIES").pipe(Config.withDefault(5000)),
  series: Config.integer("SEED_SERIES").pipe(Config.withDefault(500)),
  seasons: Config.integer("SEED_SEASONS").pipe(Config.withDefault(4)),
  episodes: Config.integer("SEED_EPISODES").pipe(Config.withDefault(10))
})

const program = Effect.gen(function* () {
  const s = yield* settings
  yield* migrate
  const started = Date.now()
  const seeded = yield* seedContent({ movies: s.movies, series: s.series, seasonsPerSeries: s.seasons, episodesPerSeason: s.episodes })
  yield* Effect.logInfo(
    `seeded ${s.movies} movies (library ${seeded.movieLibrary}) and ${s.series} series x ${s.seasons} seasons x ` +
      `${s.episodes} episodes (library ${seeded.tvLibrary}) in ${((Date.now() - started) / 1000).toFixed(1)} s`
  )
})

NodeRuntime.runMain(program.pipe(Effect.provide(DatabaseLive.pipe(Layer.provide(AppConfig.layer)))))
