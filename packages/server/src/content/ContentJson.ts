/**
 * The shapes of browsing answers, built in SQL as JSON objects with the domain's field names, so a
 * detail page is one statement and every listing shares one definition of a summary. Each fragment
 * names the table alias it reads: m (movies), s (series), se (seasons), e (episodes), f (media_files),
 * p (people) with c (credits), g (genres), co (companies), col (collections).
 */
export const movieSummary = `json_build_object(
  'id', m.id, 'libraryId', m.library_id, 'title', m.title, 'year', m.year,
  'releaseDate', m.release_date::text, 'runtimeMinutes', m.runtime_minutes, 'rating', m.rating,
  'certification', m.certification, 'posterPath', m.poster_path, 'backdropPath', m.backdrop_path,
  'addedAt', iso_utc(m.added_at))`

export const seriesSummary = `json_build_object(
  'id', s.id, 'libraryId', s.library_id, 'title', s.title, 'year', s.year,
  'firstAirDate', s.first_air_date::text, 'status', s.status, 'rating', s.rating,
  'certification', s.certification, 'posterPath', s.poster_path, 'backdropPath', s.backdrop_path,
  'seasonCount', (SELECT count(*) FROM seasons x WHERE x.series_id = s.id AND x.season_number > 0),
  'episodeCount', (SELECT count(*) FROM episodes x WHERE x.series_id = s.id AND x.season_number > 0),
  'addedAt', iso_utc(s.added_at))`

export const season = `json_build_object(
  'id', se.id, 'seriesId', se.series_id, 'seasonNumber', se.season_number, 'name', se.name,
  'overview', se.overview, 'airDate', se.air_date::text, 'posterPath', se.poster_path,
  'episodeCount', (SELECT count(*) FROM episodes x WHERE x.season_id = se.id))`

/** Needs `s` joined for the series title. */
export const episode = `json_build_object(
  'id', e.id, 'seriesId', e.series_id, 'seriesTitle', s.title, 'seasonId', e.season_id,
  'seasonNumber', e.season_number, 'episodeNumber', e.episode_number, 'absoluteNumber', e.absolute_number,
  'title', e.title, 'overview', e.overview, 'airDate', e.air_date::text, 'runtimeMinutes', e.runtime_minutes,
  'rating', e.rating, 'stillPath', e.still_path,
  'hasFile', EXISTS (SELECT 1 FROM media_file_episodes x JOIN media_files y ON y.id = x.media_file_id
                     WHERE x.episode_id = e.id AND y.state = 'present'))`

export const genre = `json_build_object('id', g.id, 'name', g.name)`

export const company = `json_build_object('id', co.id, 'name', co.name, 'logoPath', co.logo_path, 'originCountry', co.origin_country)`

export const collectionSummary = `json_build_object(
  'id', col.id, 'name', col.name, 'overview', col.overview, 'posterPath', col.poster_path,
  'backdropPath', col.backdrop_path)`

export const castMember = `json_build_object(
  'personId', p.id, 'name', p.name, 'character', c.character, 'profilePath', p.profile_path, 'order', c.position)`

export const crewMember = `json_build_object(
  'personId', p.id, 'name', p.name, 'department', c.department, 'job', c.job, 'profilePath', p.profile_path)`

export const mediaFile = `json_build_object(
  'id', f.id, 'path', f.path, 'sizeBytes', f.size_bytes::float8, 'state', f.state, 'part', f.part,
  'version', f.version, 'container', f.probe->>'container',
  'durationSeconds', (f.probe->>'durationMs')::float8 / 1000,
  'streams', coalesce((
    SELECT json_agg(json_build_object(
      'kind', st.kind, 'index', st.stream_index, 'codec', st.codec, 'language', st.language, 'title', st.title,
      'isDefault', st.is_default, 'isForced', st.is_forced, 'external', st.external_path IS NOT NULL
    ) ORDER BY st.position)
    FROM media_streams st WHERE st.media_file_id = f.id), '[]'::json))`

/** `json_agg` of `shape` over `from` (a FROM ... WHERE ... tail), `[]` when there are none. */
export const list = (shape: string, from: string, orderBy: string) =>
  `coalesce((SELECT json_agg(${shape} ORDER BY ${orderBy}) ${from}), '[]'::json)`

export const genresOf = (join: "movie_genres" | "series_genres", key: "movie_id" | "series_id", id: string) =>
  list(genre, `FROM ${join} j JOIN genres g ON g.id = j.genre_id WHERE j.${key} = ${id}`, "g.name")

export const castOf = (key: "movie_id" | "series_id" | "episode_id", id: string, kind: "cast" | "guest" = "cast") =>
  list(castMember, `FROM credits c JOIN people p ON p.id = c.person_id WHERE c.${key} = ${id} AND c.kind = '${kind}'`, "c.position, p.name")

export const crewOf = (key: "movie_id" | "series_id" | "episode_id", id: string) =>
  list(crewMember, `FROM credits c JOIN people p ON p.id = c.person_id WHERE c.${key} = ${id} AND c.kind = 'crew'`, "c.position, p.name")
