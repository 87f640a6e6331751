/**
 * Realistic-looking content straight into the database, for developers, tests and benchmarks:
 * libraries of movies (genres, studios, collections, cast and crew, a probed file each) and of series
 * (networks, seasons, episodes airing around today, guest stars). Values derive from the row number,
 * so a seed is the same every time; all rows come from a few set-based statements.
 */
import { PgClient } from "@effect/sql-pg"
import { type DatabaseError, LibraryId } from "@mediaserver/domain"
import { Effect } from "effect"
import { randomUUID } from "node:crypto"
import { wrapSql } from "../db/Sql.js"

export interface SeedOptions {
  readonly movies: number
  readonly series: number
  readonly seasonsPerSeries: number
  readonly episodesPerSeason: number
  readonly people?: number
  /** Names the libraries; default "Seed". */
  readonly label?: string
}

export interface Seeded {
  readonly movieLibrary: LibraryId
  readonly tvLibrary: LibraryId
}

const GENRES = [
  "Action", "Adventure", "Animation", "Comedy", "Crime", "Documentary", "Drama", "Family", "Fantasy", "History",
  "Horror", "Music", "Mystery", "Romance", "Science Fiction", "TV Movie", "Thriller", "War", "Western"
]
const STUDIOS = ["Warner Bros.", "Paramount", "Universal", "Columbia", "Lionsgate", "A24", "Pixar", "Studio Ghibli", "Legendary", "New Line"]
const NETWORKS = ["AMC", "HBO", "BBC One", "Netflix", "FX", "NBC", "Channel 4", "Showtime", "ABC", "CBS"]
const WORDS = `Last,Silent,Iron,Crimson,Hidden,Broken,Golden,Lost,Dark,Endless,Wild,Frozen,Burning,Secret,Distant,Fallen,
  Midnight,Electric,Paper,Glass,River,Empire,Garden,Horizon,Machine,Winter,Shadow,Harbor,Signal,Kingdom,Echo,Voyage,
  Orchard,Storm,Mirror,Canyon,Lantern,Citadel,Meridian,Comet`.split(",").map((w) => w.trim())
const FIRST = "Anna,Ben,Chloe,David,Elena,Felix,Grace,Hugo,Iris,Jonas,Kira,Leo,Maya,Noah,Olga,Paul,Quinn,Rosa,Sam,Tara".split(",")
const LAST = "Adams,Berg,Costa,Dunn,Evans,Fischer,Garcia,Hale,Ito,Jensen,Kowalski,Lind,Moreau,Novak,Okafor,Park,Rossi,Silva,Tanaka,Weber".split(",")

const textArray = (values: ReadonlyArray<string>) => `ARRAY[${values.map((v) => `'${v.replace(/'/g, "''")}'`).join(",")}]`
const pick = (values: ReadonlyArray<string>, expr: string) => `(${textArray(values)})[1 + ((${expr}) % ${values.length})]`

export const seedContent = (options: SeedOptions): Effect.Effect<Seeded, DatabaseError, PgClient.PgClient> =>
  Effect.gen(function* () {
    const sql = yield* PgClient.PgClient
    const label = options.label ?? "Seed"
    const movieLibrary = LibraryId.make(randomUUID())
    const tvLibrary = LibraryId.make(randomUUID())
    const people = options.people ?? 2000
    const title = (i: string) => `${pick(WORDS, `${i} * 7`)} || ' ' || ${pick(WORDS, `${i} * 13 + ${i} / 40`)}`

    yield* sql`
      INSERT INTO libraries (id, name, kind, paths, scan, language, country) VALUES
        (${movieLibrary}, ${`${label} Movies`}, 'movie', ${JSON.stringify([`/seed/${movieLibrary}`])}::jsonb,
         '{"intervalMinutes":0,"watch":false,"extensions":[".mkv"],"exclude":[]}'::jsonb, 'en', 'US'),
        (${tvLibrary}, ${`${label} TV`}, 'tvshow', ${JSON.stringify([`/seed/${tvLibrary}`])}::jsonb,
         '{"intervalMinutes":0,"watch":false,"extensions":[".mkv"],"exclude":[]}'::jsonb, 'en', 'US')
    `
    yield* sql`
      INSERT INTO genres (id, name, tmdb_id) SELECT gen_random_uuid(), g, NULL FROM unnest(${sql.literal(textArray(GENRES))}) g
      ON CONFLICT DO NOTHING
    `
    yield* sql`
      INSERT INTO companies (id, kind, name) SELECT gen_random_uuid(), 'studio', n FROM unnest(${sql.literal(textArray(STUDIOS))}) n
      ON CONFLICT DO NOTHING
    `
    yield* sql`
      INSERT INTO companies (id, kind, name) SELECT gen_random_uuid(), 'network', n FROM unnest(${sql.literal(textArray(NETWORKS))}) n
      ON CONFLICT DO NOTHING
    `
    // People and collections are shared by seeds; tmdb ids keep them unique across runs.
    yield* sql`
      INSERT INTO people (id, tmdb_id, name, biography, birthday, gender, known_for_department, profile_path, popularity)
      SELECT gen_random_uuid(), 'seed-' || i, ${sql.literal(pick(FIRST, "i"))} || ' ' || ${sql.literal(pick(LAST, "i / 20"))} || ' ' || i,
        'An actor born in a small town.', DATE '1940-01-01' + (i * 37 % 20000), 1 + i % 2,
        CASE WHEN i % 5 = 0 THEN 'Directing' ELSE 'Acting' END, '/person' || i || '.jpg', (i % 100)::float8
      FROM generate_series(1, ${people}) i
      ON CONFLICT (tmdb_id) DO NOTHING
    `
    yield* sql`
      INSERT INTO collections (id, tmdb_id, name, overview, poster_path)
      SELECT gen_random_uuid(), 'seed-' || i, ${sql.literal(title("i"))} || ' Collection', 'A film series.', '/col' || i || '.jpg'
      FROM generate_series(1, ${Math.max(1, Math.floor(options.movies / 10))}) i
      ON CONFLICT (tmdb_id) DO NOTHING
    `
    yield* sql`
      INSERT INTO movies (id, library_id, match_key, title, sort_title, year, tmdb_id, imdb_id, overview, tagline,
        release_date, runtime_minutes, rating, vote_count, popularity, status, certification, poster_path, backdrop_path,
        collection_id, metadata_state, added_at)
      SELECT gen_random_uuid(), ${movieLibrary}, 'seed-' || i, t.title || ' ' || i, lower(t.title) || ' ' || lpad(i::text, 6, '0'),
        1950 + i % 75, NULL, 'tt' || lpad(i::text, 7, '0'), 'A story about ' || lower(t.title) || '.', 'Nothing stays hidden.',
        make_date(1950 + i % 75, 1 + i % 12, 1 + i % 28), 80 + i % 80, CASE WHEN i % 17 = 0 THEN NULL ELSE round(((i * 37 % 90) / 10.0 + 1)::numeric, 1)::float8 END,
        i * 13 % 5000, (i % 500)::float8, 'Released', ${sql.literal(pick(["G", "PG", "PG-13", "R"], "i"))},
        '/poster' || i || '.jpg', '/backdrop' || i || '.jpg',
        CASE WHEN i % 10 = 0 THEN (SELECT id FROM collections WHERE tmdb_id = 'seed-' || (i / 10)) END,
        'ready', now() - (i || ' minutes')::interval
      FROM generate_series(1, ${options.movies}) i, LATERAL (SELECT ${sql.literal(title("i"))} AS title) t
    `
    yield* sql`
      INSERT INTO movie_genres (movie_id, genre_id)
      SELECT DISTINCT m.id, g.id FROM movies m
      CROSS JOIN LATERAL (VALUES (0), (7), (13)) k(step)
      JOIN genres g ON g.name = ${sql.literal(pick(GENRES, "abs(hashtext(m.match_key)) + k.step"))}
      WHERE m.library_id = ${movieLibrary} AND (k.step = 0 OR abs(hashtext(m.match_key)) % 3 > 0)
      ON CONFLICT DO NOTHING
    `
    yield* sql`
      INSERT INTO movie_studios (movie_id, company_id, position)
      SELECT m.id, co.id, 0 FROM movies m JOIN companies co ON co.kind = 'studio'
        AND co.name = ${sql.literal(pick(STUDIOS, "abs(hashtext(m.match_key))"))}
      WHERE m.library_id = ${movieLibrary}
    `
    yield* sql`
      INSERT INTO credits (id, person_id, movie_id, kind, character, department, job, position)
      SELECT gen_random_uuid(), p.id, m.id, CASE WHEN k < 8 THEN 'cast' ELSE 'crew' END,
        CASE WHEN k < 8 THEN 'Character ' || k END, CASE WHEN k >= 8 THEN 'Directing' END, CASE WHEN k >= 8 THEN 'Director' END, k
      FROM movies m CROSS JOIN generate_series(0, 10) k
      JOIN people p ON p.tmdb_id = 'seed-' || (1 + (abs(hashtext(m.match_key)) + k * 101) % ${people})
      WHERE m.library_id = ${movieLibrary}
    `
    yield* sql`
      INSERT INTO media_files (id, library_id, path, size_bytes, mtime_ms, match_state, movie_id, probe, probe_size, probe_mtime_ms)
      SELECT gen_random_uuid(), m.library_id, '/seed/' || m.library_id || '/' || m.title || ' (' || m.year || ').mkv',
        4000000000, 0, 'matched', m.id,
        jsonb_build_object('container', 'mkv', 'durationMs', m.runtime_minutes * 60000, 'bitrate', 8000000, 'sizeBytes', 4000000000,
          'video', NULL, 'audio', '[]'::jsonb, 'subtitles', '[]'::jsonb), 4000000000, 0
      FROM movies m WHERE m.library_id = ${movieLibrary}
    `
    yield* sql`
      INSERT INTO series (id, library_id, match_key, title, sort_title, year, overview, first_air_date, last_air_date,
        episode_runtime_minutes, rating, vote_count, status, certification, poster_path, backdrop_path, metadata_state, added_at)
      SELECT gen_random_uuid(), ${tvLibrary}, 'seed-' || i, t.title || ' ' || i, lower(t.title) || ' ' || lpad(i::text, 6, '0'),
        1990 + i % 35, 'A series about ' || lower(t.title) || '.', make_date(1990 + i % 35, 1 + i % 12, 1 + i % 28),
        current_date + (i % 60 - 30), 30 + i % 30, round(((i * 29 % 90) / 10.0 + 1)::numeric, 1)::float8, i * 7 % 3000,
        CASE WHEN i % 3 = 0 THEN 'Ended' ELSE 'Returning Series' END, 'TV-14', '/tvposter' || i || '.jpg', '/tvbackdrop' || i || '.jpg',
        'ready', now() - (i || ' minutes')::interval
      FROM generate_series(1, ${options.series}) i, LATERAL (SELECT ${sql.literal(title("i * 3"))} AS title) t
    `
    yield* sql`
      INSERT INTO series_genres (series_id, genre_id)
      SELECT s.id, g.id FROM series s JOIN genres g ON g.name = ${sql.literal(pick(GENRES, "abs(hashtext(s.match_key))"))}
      WHERE s.library_id = ${tvLibrary}
    `
    yield* sql`
      INSERT INTO series_networks (series_id, company_id, position)
      SELECT s.id, co.id, 0 FROM series s JOIN companies co ON co.kind = 'network'
        AND co.name = ${sql.literal(pick(NETWORKS, "abs(hashtext(s.match_key))"))}
      WHERE s.library_id = ${tvLibrary}
    `
    yield* sql`
      INSERT INTO credits (id, person_id, series_id, kind, character, position)
      SELECT gen_random_uuid(), p.id, s.id, 'cast', 'Role ' || k, k
      FROM series s CROSS JOIN generate_series(0, 5) k
      JOIN people p ON p.tmdb_id = 'seed-' || (1 + (abs(hashtext(s.match_key)) + k * 53) % ${people})
      WHERE s.library_id = ${tvLibrary}
    `
    yield* sql`
      INSERT INTO seasons (id, series_id, season_number, name, overview, air_date, poster_path)
      SELECT gen_random_uuid(), s.id, n, 'Season ' || n, 'Season ' || n || ' of ' || s.title, s.first_air_date + (n - 1) * 365,
        '/season' || n || '.jpg'
      FROM series s CROSS JOIN generate_series(1, ${options.seasonsPerSeries}) n WHERE s.library_id = ${tvLibrary}
    `
    // The last season of every series airs around today (some episodes upcoming).
    yield* sql`
      INSERT INTO episodes (id, series_id, season_id, season_number, episode_key, episode_number, air_date, title, overview,
        runtime_minutes, rating, still_path, metadata_state)
      SELECT gen_random_uuid(), se.series_id, se.id, se.season_number, 'e' || k, k,
        CASE WHEN se.season_number = ${options.seasonsPerSeries}
          THEN current_date + (k * 7 - ${options.episodesPerSeason * 4}) + abs(hashtext(se.series_id::text)) % 5
          ELSE se.air_date + k * 7 END,
        'Chapter ' || k, 'Things happen in chapter ' || k || '.', 45, 7.5, '/still' || k || '.jpg', 'ready'
      FROM seasons se JOIN series s ON s.id = se.series_id CROSS JOIN generate_series(1, ${options.episodesPerSeason}) k
      WHERE s.library_id = ${tvLibrary}
    `
    yield* sql`
      INSERT INTO credits (id, person_id, episode_id, kind, character, position)
      SELECT gen_random_uuid(), p.id, e.id, 'guest', 'Guest', 0
      FROM episodes e JOIN series s ON s.id = e.series_id
      JOIN people p ON p.tmdb_id = 'seed-' || (1 + abs(hashtext(e.id::text)) % ${people})
      WHERE s.library_id = ${tvLibrary} AND e.episode_number % 3 = 1
    `
    yield* sql`
      WITH files AS (
        INSERT INTO media_files (id, library_id, path, size_bytes, mtime_ms, match_state, probe, probe_size, probe_mtime_ms)
        SELECT gen_random_uuid(), s.library_id,
          '/seed/' || s.library_id || '/' || s.title || '/Season ' || e.season_number || '/' || e.id || '.mkv',
          1000000000, 0, 'matched',
          jsonb_build_object('container', 'mkv', 'durationMs', 2700000, 'bitrate', 4000000, 'sizeBytes', 1000000000,
            'video', NULL, 'audio', '[]'::jsonb, 'subtitles', '[]'::jsonb), 1000000000, 0
        FROM episodes e JOIN series s ON s.id = e.series_id
        WHERE s.library_id = ${tvLibrary} AND e.air_date <= current_date
        RETURNING id, path
      )
      INSERT INTO media_file_episodes (media_file_id, episode_id)
      SELECT f.id, substring(f.path from '([0-9a-f-]{36})\\.mkv$')::uuid FROM files f
    `
    return { movieLibrary, tvLibrary }
  }).pipe(wrapSql("seedContent"))
