/** REST handlers of the metadata, metadata refresh and images groups: each maps its request onto one operation. */
import { HttpApiBuilder, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { MediaApi } from "@mediaserver/domain"
import { Effect, Layer } from "effect"
import { makeMetadataOperations, makeMetadataRestOperations } from "./Operations.js"

const MetadataHttp = HttpApiBuilder.group(MediaApi, "metadata", (handlers) =>
  Effect.gen(function* () {
    const op = yield* makeMetadataOperations
    const rest = yield* makeMetadataRestOperations
    // REST offers an item's parts (credits, images, ids) on their own paths; RPC answers them with the item.
    return handlers
      .handle("providers", () => op.MetadataProviders())
      .handle("updateProvider", ({ path, payload }) => op.MetadataUpdateProvider({ name: path.name, settings: payload }))
      .handle("searchMovie", ({ urlParams }) => op.MetadataSearchMovie(urlParams))
      .handle("movie", ({ path, urlParams }) => op.MetadataMovie({ ...path, ...urlParams }))
      .handle("movieCredits", ({ path }) => Effect.map(op.MetadataMovie(path), (m) => m.credits))
      .handle("movieImages", ({ path }) => Effect.map(op.MetadataMovie(path), (m) => m.images))
      .handle("movieSimilar", ({ path, urlParams }) => op.MetadataMovieSimilar({ ...path, ...urlParams }))
      .handle("movieRecommendations", ({ path, urlParams }) => op.MetadataMovieRecommendations({ ...path, ...urlParams }))
      .handle("movieExternalIds", ({ path }) => Effect.map(op.MetadataMovie(path), (m) => m.externalIds))
      .handle("collection", ({ path, urlParams }) => op.MetadataCollection({ ...path, ...urlParams }))
      .handle("searchTv", ({ urlParams }) => op.MetadataSearchTv(urlParams))
      .handle("tv", ({ path, urlParams }) => op.MetadataTv({ ...path, ...urlParams }))
      .handle("tvCredits", ({ path }) => Effect.map(op.MetadataTv(path), (t) => t.credits))
      .handle("tvImages", ({ path }) => Effect.map(op.MetadataTv(path), (t) => t.images))
      .handle("tvContentRatings", ({ path }) => Effect.map(op.MetadataTv(path), (t) => t.certifications))
      .handle("tvExternalIds", ({ path }) => Effect.map(op.MetadataTv(path), (t) => t.externalIds))
      .handle("season", ({ path, urlParams }) => op.MetadataSeason({ ...path, ...urlParams }))
      .handle("seasonImages", ({ path }) => Effect.map(op.MetadataSeason(path), (s) => s.images))
      .handle("episode", ({ path, urlParams }) => op.MetadataEpisode({ ...path, ...urlParams }))
      .handle("episodeImages", ({ path }) => Effect.map(op.MetadataEpisode(path), (e) => e.images))
      .handle("searchPerson", ({ urlParams }) => op.MetadataSearchPerson(urlParams))
      .handle("person", ({ path, urlParams }) => op.MetadataPerson({ ...path, ...urlParams }))
      .handle("personCredits", ({ path }) => rest.MetadataPersonCredits(path))
      .handle("personImages", ({ path }) => Effect.map(op.MetadataPerson(path), (p) => p.images))
  })
)

const MetadataRefreshHttp = HttpApiBuilder.group(MediaApi, "metadataRefresh", (handlers) =>
  Effect.map(makeMetadataOperations, (op) =>
    handlers
      .handle("refreshMovie", ({ path }) => op.MetadataRefreshMovie(path))
      .handle("refreshSeries", ({ path }) => op.MetadataRefreshSeries(path))
      .handle("movieMetadata", ({ path }) => op.MetadataMovieState(path))
      .handle("seriesMetadata", ({ path }) => op.MetadataSeriesState(path))
      .handle("editMovie", ({ path, payload }) => op.MetadataEditMovie({ ...path, edit: payload }))
      .handle("editSeries", ({ path, payload }) => op.MetadataEditSeries({ ...path, edit: payload }))
      .handle("matchMovie", ({ path, payload }) => op.MetadataMatchMovie({ ...path, match: payload }))
      .handle("matchSeries", ({ path, payload }) => op.MetadataMatchSeries({ ...path, match: payload }))
  ))

/** Images never change under their URL (content-addressed): clients and proxies keep them a year. */
const IMMUTABLE = "public, max-age=31536000, immutable"

const ImagesHttp = HttpApiBuilder.group(MediaApi, "images", (handlers) =>
  Effect.map(makeMetadataRestOperations, (rest) =>
    handlers.handleRaw("image", ({ path }) =>
      Effect.gen(function* () {
        const request = yield* HttpServerRequest.HttpServerRequest
        const image = yield* rest.ImagesServe(path, request.headers["accept"] ?? "")
        const headers = { etag: image.etag, "cache-control": IMMUTABLE, vary: "Accept" }
        return request.headers["if-none-match"] === image.etag
          ? HttpServerResponse.empty({ status: 304, headers })
          : HttpServerResponse.uint8Array(image.bytes, { contentType: image.contentType, headers })
      }))
  ))

export const MetadataHttpLive = Layer.mergeAll(MetadataHttp, MetadataRefreshHttp, ImagesHttp)
