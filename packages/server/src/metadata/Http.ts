/** REST handlers of the metadata, metadata refresh and images groups: a policy line plus a service call each. */
import { HttpApiBuilder, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { MediaApi } from "@mediaserver/domain"
import { Effect, Layer } from "effect"
import { canRead, withPolicy } from "../auth/Policy.js"
import { LibraryAccess } from "../library/LibraryAccess.js"
import { Images } from "./Images.js"
import { MetadataItems } from "./MetadataItems.js"
import { MetadataLookups } from "./Lookups.js"
import { metadataPolicies } from "./Policy.js"

const MetadataHttp = HttpApiBuilder.group(MediaApi, "metadata", (handlers) =>
  Effect.gen(function* () {
    const lookups = yield* MetadataLookups
    const { lookup } = metadataPolicies(yield* LibraryAccess, yield* MetadataItems)
    return handlers
      .handle("providers", () => lookup(lookups.providers))
      .handle("searchMovie", ({ urlParams }) => lookup(lookups.searchMovie(urlParams)))
      .handle("movie", ({ path, urlParams }) => lookup(lookups.movie(path.id, urlParams.language)))
      .handle("movieCredits", ({ path }) => lookup(Effect.map(lookups.movie(path.id), (m) => m.credits)))
      .handle("movieImages", ({ path }) => lookup(Effect.map(lookups.movie(path.id), (m) => m.images)))
      .handle("movieSimilar", ({ path, urlParams }) => lookup(lookups.movieSimilar(path.id, urlParams.language)))
      .handle("movieRecommendations", ({ path, urlParams }) => lookup(lookups.movieRecommendations(path.id, urlParams.language)))
      .handle("movieExternalIds", ({ path }) => lookup(Effect.map(lookups.movie(path.id), (m) => m.externalIds)))
      .handle("collection", ({ path, urlParams }) => lookup(lookups.collection(path.id, urlParams.language)))
      .handle("searchTv", ({ urlParams }) => lookup(lookups.searchTv(urlParams)))
      .handle("tv", ({ path, urlParams }) => lookup(lookups.tv(path.id, urlParams.language)))
      .handle("tvCredits", ({ path }) => lookup(Effect.map(lookups.tv(path.id), (t) => t.credits)))
      .handle("tvImages", ({ path }) => lookup(Effect.map(lookups.tv(path.id), (t) => t.images)))
      .handle("tvContentRatings", ({ path }) => lookup(Effect.map(lookups.tv(path.id), (t) => t.certifications)))
      .handle("tvExternalIds", ({ path }) => lookup(Effect.map(lookups.tv(path.id), (t) => t.externalIds)))
      .handle("season", ({ path, urlParams }) => lookup(lookups.season(path.id, path.seasonNumber, urlParams.language)))
      .handle("seasonImages", ({ path }) => lookup(Effect.map(lookups.season(path.id, path.seasonNumber), (s) => s.images)))
      .handle("episode", ({ path, urlParams }) =>
        lookup(lookups.episode(path.id, path.seasonNumber, path.episodeNumber, urlParams.language)))
      .handle("episodeImages", ({ path }) =>
        lookup(Effect.map(lookups.episode(path.id, path.seasonNumber, path.episodeNumber), (e) => e.images)))
      .handle("searchPerson", ({ urlParams }) => lookup(lookups.searchPerson(urlParams)))
      .handle("person", ({ path, urlParams }) => lookup(lookups.person(path.id, urlParams.language)))
      .handle("personCredits", ({ path }) => lookup(lookups.personCredits(path.id)))
      .handle("personImages", ({ path }) => lookup(Effect.map(lookups.person(path.id), (p) => p.images)))
  })
)

const MetadataRefreshHttp = HttpApiBuilder.group(MediaApi, "metadataRefresh", (handlers) =>
  Effect.gen(function* () {
    const items = yield* MetadataItems
    const { managingItem } = metadataPolicies(yield* LibraryAccess, items)
    return handlers
      .handle("refreshMovie", ({ path }) => managingItem("movie", path.id)(items.refresh({ kind: "movie", id: path.id })))
      .handle("refreshSeries", ({ path }) => managingItem("series", path.id)(items.refresh({ kind: "series", id: path.id })))
      .handle("movieMetadata", ({ path }) => managingItem("movie", path.id)(items.state("movie", path.id)))
      .handle("seriesMetadata", ({ path }) => managingItem("series", path.id)(items.state("series", path.id)))
      .handle("editMovie", ({ path, payload }) => managingItem("movie", path.id)(items.edit("movie", path.id, payload)))
      .handle("editSeries", ({ path, payload }) => managingItem("series", path.id)(items.edit("series", path.id, payload)))
      .handle("matchMovie", ({ path, payload }) => managingItem("movie", path.id)(items.confirmMatch({ kind: "movie", id: path.id }, payload)))
      .handle("matchSeries", ({ path, payload }) => managingItem("series", path.id)(items.confirmMatch({ kind: "series", id: path.id }, payload)))
  })
)

/** Images never change under their URL (content-addressed): clients and proxies keep them a year. */
const IMMUTABLE = "public, max-age=31536000, immutable"

const ImagesHttp = HttpApiBuilder.group(MediaApi, "images", (handlers) =>
  Effect.gen(function* () {
    const images = yield* Images
    return handlers.handleRaw("image", ({ path }) =>
      withPolicy(canRead)(Effect.gen(function* () {
        const request = yield* HttpServerRequest.HttpServerRequest
        const image = yield* images.serve(path.type, `/${path.path}`, path.size, request.headers["accept"] ?? "")
        const headers = { etag: image.etag, "cache-control": IMMUTABLE, vary: "Accept" }
        return request.headers["if-none-match"] === image.etag
          ? HttpServerResponse.empty({ status: 304, headers })
          : HttpServerResponse.uint8Array(image.bytes, { contentType: image.contentType, headers })
      })))
  })
)

export const MetadataHttpLive = Layer.mergeAll(MetadataHttp, MetadataRefreshHttp, ImagesHttp)
