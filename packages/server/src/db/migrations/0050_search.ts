import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/**
 * Search documents of movies, series, episodes and people, kept by triggers: every statement that
 * changes what a document is built from (the item, its library's language, genres, credits, a
 * person's name) rebuilds the affected documents in its own transaction, so search cannot drift from
 * the content whatever code path wrote it. Deleting an item deletes its document (foreign key).
 *
 * Text is folded (lower case, accents removed) by `search_fold`, a translate() table rather than the
 * `unaccent` extension: it is immutable and the same in Postgres and the embedded PGlite. Documents
 * hold the library language's stems and the unstemmed words (`simple`); a query asks in `simple` and
 * in the configuration of every library language (built by the caller, so the planner sees a constant).
 */
/** Letters with diacritics (both cases, since lower() of non-ASCII depends on the locale) and their base letter. */
const FOLDS: ReadonlyArray<readonly [string, string]> = [
  ["àáâãäåāăą", "a"], ["çćčĉċ", "c"], ["ďđ", "d"], ["èéêëēėęěĕ", "e"], ["ğĝġģ", "g"], ["ìíîïīįıĩ", "i"], ["ķ", "k"],
  ["ľłĺļ", "l"], ["ñńňņ", "n"], ["òóôõöøōő", "o"], ["ŕřŗ", "r"], ["śşšŝș", "s"], ["ťţț", "t"], ["ùúûüūůűųũ", "u"],
  ["ýÿ", "y"], ["źżž", "z"]
]
const ACCENTED = FOLDS.map(([from]) => from + from.toUpperCase()).join("")
const PLAIN = FOLDS.map(([from, to]) => to.repeat(from.length * 2)).join("")

export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql.unsafe(`
    CREATE FUNCTION search_fold(text) RETURNS text IMMUTABLE PARALLEL SAFE LANGUAGE sql AS $$
      SELECT replace(replace(replace(replace(lower(translate(coalesce($1, ''), '${ACCENTED}', '${PLAIN}')),
        'æ', 'ae'), 'œ', 'oe'), 'ß', 'ss'), 'þ', 'th')
    $$
  `)
  yield* sql`
    CREATE FUNCTION search_config(language text) RETURNS regconfig IMMUTABLE PARALLEL SAFE LANGUAGE sql AS $$
      SELECT (CASE lower(split_part(coalesce($1, ''), '-', 1))
        WHEN 'en' THEN 'english' WHEN 'fr' THEN 'french' WHEN 'de' THEN 'german' WHEN 'es' THEN 'spanish'
        WHEN 'it' THEN 'italian' WHEN 'pt' THEN 'portuguese' WHEN 'nl' THEN 'dutch' WHEN 'sv' THEN 'swedish'
        WHEN 'da' THEN 'danish' WHEN 'no' THEN 'norwegian' WHEN 'nb' THEN 'norwegian' WHEN 'fi' THEN 'finnish'
        WHEN 'ru' THEN 'russian' WHEN 'hu' THEN 'hungarian' WHEN 'ro' THEN 'romanian' WHEN 'tr' THEN 'turkish'
        ELSE 'simple' END)::regconfig
    $$
  `
  // Both the stemmed and the plain words of a text, with one weight.
  yield* sql`
    CREATE FUNCTION search_vector(config regconfig, body text, weight "char") RETURNS tsvector IMMUTABLE PARALLEL SAFE LANGUAGE sql AS $$
      SELECT setweight(to_tsvector(config, search_fold(body)) || to_tsvector('simple', search_fold(body)), weight)
    $$
  `
  yield* sql`ALTER TABLE movies ADD COLUMN alternative_titles text[] NOT NULL DEFAULT '{}'`
  yield* sql`ALTER TABLE series ADD COLUMN alternative_titles text[] NOT NULL DEFAULT '{}'`

  // names: the folded titles (trigram typos, substrings); title_key: the folded title (prefixes).
  for (const [table, key, extra] of [
    ["search_movies", "movie_id uuid PRIMARY KEY REFERENCES movies (id) ON DELETE CASCADE", ""],
    ["search_series", "series_id uuid PRIMARY KEY REFERENCES series (id) ON DELETE CASCADE", ""],
    ["search_episodes", "episode_id uuid PRIMARY KEY REFERENCES episodes (id) ON DELETE CASCADE", "series_id uuid NOT NULL,"],
    ["search_people", "person_id uuid PRIMARY KEY REFERENCES people (id) ON DELETE CASCADE", ""]
  ] as const) {
    yield* sql.unsafe(`
      CREATE TABLE ${table} (
        ${key},
        ${extra}
        ${table === "search_people" ? "" : "library_id uuid NOT NULL,"}
        title_key text NOT NULL,
        names text NOT NULL,
        document tsvector NOT NULL
      )
    `)
    yield* sql.unsafe(`CREATE INDEX ${table}_document ON ${table} USING gin (document)`)
    yield* sql.unsafe(`CREATE INDEX ${table}_names ON ${table} USING gin (names gin_trgm_ops)`)
    yield* sql.unsafe(`CREATE INDEX ${table}_title_key ON ${table} (title_key text_pattern_ops)`)
  }

  // Movies and series: titles first, then genres and credited people, tagline, overview.
  for (const [table, a, key, genres] of [["movies", "m", "movie_id", "movie_genres"], ["series", "s", "series_id", "series_genres"]] as const) {
    yield* sql.unsafe(`
      CREATE FUNCTION search_refresh_${table}(ids uuid[]) RETURNS void VOLATILE LANGUAGE sql AS $$
        INSERT INTO search_${table} (${key}, library_id, title_key, names, document)
        SELECT ${a}.id, ${a}.library_id, search_fold(${a}.title),
          search_fold(concat_ws(' | ', ${a}.title, ${a}.original_title, NULLIF(array_to_string(${a}.alternative_titles, ' | '), ''))),
          search_vector(c.config, concat_ws(' ', ${a}.title, ${a}.original_title, array_to_string(${a}.alternative_titles, ' ')), 'A')
            || search_vector(c.config, concat_ws(' ', g.names, p.names), 'B')
            || search_vector(c.config, ${a}.tagline, 'C')
            || search_vector(c.config, ${a}.overview, 'D')
        FROM ${table} ${a}
        JOIN libraries l ON l.id = ${a}.library_id
        CROSS JOIN LATERAL (SELECT search_config(l.language) AS config) c
        CROSS JOIN LATERAL (SELECT string_agg(ge.name, ' ') AS names FROM ${genres} j JOIN genres ge ON ge.id = j.genre_id WHERE j.${key} = ${a}.id) g
        CROSS JOIN LATERAL (SELECT string_agg(pe.name, ' ') AS names FROM credits cr JOIN people pe ON pe.id = cr.person_id WHERE cr.${key} = ${a}.id) p
        WHERE ${a}.id = ANY(ids)
        ON CONFLICT (${key}) DO UPDATE SET library_id = EXCLUDED.library_id, title_key = EXCLUDED.title_key,
          names = EXCLUDED.names, document = EXCLUDED.document
      $$
    `)
  }

  // An episode's document: its own title first, then its series' title, then its overview.
  yield* sql`
    CREATE FUNCTION search_refresh_episodes(ids uuid[]) RETURNS void VOLATILE LANGUAGE sql AS $$
      INSERT INTO search_episodes (episode_id, series_id, library_id, title_key, names, document)
      SELECT e.id, s.id, s.library_id, search_fold(e.title), search_fold(concat_ws(' | ', e.title, s.title)),
        search_vector(c.config, e.title, 'A') || search_vector(c.config, s.title, 'B') || search_vector(c.config, e.overview, 'D')
      FROM episodes e
      JOIN series s ON s.id = e.series_id
      JOIN libraries l ON l.id = s.library_id
      CROSS JOIN LATERAL (SELECT search_config(l.language) AS config) c
      WHERE e.id = ANY(ids)
      ON CONFLICT (episode_id) DO UPDATE SET series_id = EXCLUDED.series_id, library_id = EXCLUDED.library_id,
        title_key = EXCLUDED.title_key, names = EXCLUDED.names, document = EXCLUDED.document
    $$
  `
  yield* sql`
    CREATE FUNCTION search_refresh_people(ids uuid[]) RETURNS void VOLATILE LANGUAGE sql AS $$
      INSERT INTO search_people (person_id, title_key, names, document)
      SELECT p.id, search_fold(p.name), search_fold(concat_ws(' | ', p.name, a.names)),
        search_vector('simple', p.name, 'A') || search_vector('simple', a.names, 'B')
      FROM people p
      CROSS JOIN LATERAL (
        SELECT string_agg(x, ' | ') AS names FROM jsonb_array_elements_text(
          CASE WHEN jsonb_typeof(p.also_known_as) = 'array' THEN p.also_known_as ELSE '[]'::jsonb END) x
      ) a
      WHERE p.id = ANY(ids)
      ON CONFLICT (person_id) DO UPDATE SET title_key = EXCLUDED.title_key, names = EXCLUDED.names, document = EXCLUDED.document
    $$
  `

  // Statement-level triggers: one rebuild per statement for all the rows it touched (a scan batch or a
  // seed of thousands costs a few set-based statements, not one per row).
  const trigger = (name: string, table: string, event: "INSERT" | "UPDATE" | "DELETE", body: string) =>
    Effect.gen(function* () {
      const transition = event === "DELETE" ? "OLD TABLE AS changed" : "NEW TABLE AS changed"
      yield* sql.unsafe(`
        CREATE FUNCTION ${name}_${event.toLowerCase()}() RETURNS trigger LANGUAGE plpgsql AS $fn$
        BEGIN
          ${body}
          RETURN NULL;
        END
        $fn$
      `)
      yield* sql.unsafe(`
        CREATE TRIGGER ${name}_${event.toLowerCase()} AFTER ${event} ON ${table}
        REFERENCING ${transition} FOR EACH STATEMENT EXECUTE FUNCTION ${name}_${event.toLowerCase()}()
      `)
    })

  for (const event of ["INSERT", "UPDATE"] as const) {
    yield* trigger("search_movies_t", "movies", event, "PERFORM search_refresh_movies(ARRAY(SELECT id FROM changed));")
    yield* trigger("search_series_t", "series", event, `
      PERFORM search_refresh_series(ARRAY(SELECT id FROM changed));
      PERFORM search_refresh_episodes(ARRAY(SELECT e.id FROM episodes e WHERE e.series_id IN (SELECT id FROM changed)));
    `)
    yield* trigger("search_episodes_t", "episodes", event, "PERFORM search_refresh_episodes(ARRAY(SELECT id FROM changed));")
    yield* trigger("search_people_t", "people", event, `
      PERFORM search_refresh_people(ARRAY(SELECT id FROM changed));
      ${event === "UPDATE" ? `
      PERFORM search_refresh_movies(ARRAY(SELECT DISTINCT c.movie_id FROM credits c WHERE c.movie_id IS NOT NULL AND c.person_id IN (SELECT id FROM changed)));
      PERFORM search_refresh_series(ARRAY(SELECT DISTINCT c.series_id FROM credits c WHERE c.series_id IS NOT NULL AND c.person_id IN (SELECT id FROM changed)));` : ""}
    `)
    yield* trigger("search_genres_t", "genres", event, `
      PERFORM search_refresh_movies(ARRAY(SELECT j.movie_id FROM movie_genres j WHERE j.genre_id IN (SELECT id FROM changed)));
      PERFORM search_refresh_series(ARRAY(SELECT j.series_id FROM series_genres j WHERE j.genre_id IN (SELECT id FROM changed)));
    `)
    yield* trigger("search_libraries_t", "libraries", event, `
      PERFORM search_refresh_movies(ARRAY(SELECT m.id FROM movies m WHERE m.library_id IN (SELECT id FROM changed)));
      PERFORM search_refresh_series(ARRAY(SELECT s.id FROM series s WHERE s.library_id IN (SELECT id FROM changed)));
      PERFORM search_refresh_episodes(ARRAY(SELECT e.id FROM episodes e JOIN series s ON s.id = e.series_id WHERE s.library_id IN (SELECT id FROM changed)));
    `)
  }
  for (const event of ["INSERT", "UPDATE", "DELETE"] as const) {
    yield* trigger("search_credits_t", "credits", event, `
      PERFORM search_refresh_movies(ARRAY(SELECT DISTINCT movie_id FROM changed WHERE movie_id IS NOT NULL));
      PERFORM search_refresh_series(ARRAY(SELECT DISTINCT series_id FROM changed WHERE series_id IS NOT NULL));
    `)
    yield* trigger("search_movie_genres_t", "movie_genres", event, "PERFORM search_refresh_movies(ARRAY(SELECT DISTINCT movie_id FROM changed));")
    yield* trigger("search_series_genres_t", "series_genres", event, "PERFORM search_refresh_series(ARRAY(SELECT DISTINCT series_id FROM changed));")
  }

  // Existing content gets its documents now.
  yield* sql`SELECT search_refresh_movies(ARRAY(SELECT id FROM movies))`
  yield* sql`SELECT search_refresh_series(ARRAY(SELECT id FROM series))`
  yield* sql`SELECT search_refresh_episodes(ARRAY(SELECT id FROM episodes))`
  yield* sql`SELECT search_refresh_people(ARRAY(SELECT id FROM people))`
})
