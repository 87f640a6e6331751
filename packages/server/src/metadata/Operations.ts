/**
 * Every metadata operation once (named as in MetadataRpcs): provider lookups need the admin role or
 * manage access to some library; an item's refresh, edit and match manage access to its library;
 * images the read scope. `makeMetadataRestOperations` holds what only REST offers so far.
 */
import { type ImageKind, type ImageSize, MetadataRpcs } from "@mediaserver/domain"
import { Effect } from "effect"
import { canRead, requireAdmin, withPolicy } from "../access/Policy.js"
import { LibraryAccess } from "../library/LibraryAccess.js"
import { Images } from "./Images.js"
import { MetadataLookups } from "./Lookups.js"
import { MetadataItems } from "./MetadataItems.js"
import { metadataPolicies } from "./Policy.js"

interface ImageRequest {
  readonly type: ImageKind
  readonly path: string
  readonly size: ImageSize
}

const makeAll = Effect.gen(function* () {
  const lookups = yield* MetadataLookups
  const items = yield* MetadataItems
  const images = yield* Images
  const { lookup, managingItem } = metadataPolicies(yield* LibraryAccess, items)
  /** `accept` picks the format (REST passes the Accept header; RPC always asks for WebP). */
  const ImagesServe = ({ path, size, type }: ImageRequest, accept: string) =>
    withPolicy(canRead)(images.serve(type, `/${path}`, size, accept))
  const rpc = MetadataRpcs.of({
    MetadataProviders: () => lookup(lookups.providers),
    MetadataUpdateProvider: ({ name, settings }) => withPolicy(requireAdmin)(lookups.updateProvider(name, settings)),
    MetadataSearchMovie: (input) => lookup(lookups.searchMovie(input)),
    MetadataSearchTv: (input) => lookup(lookups.searchTv(input)),
    MetadataSearchPerson: (input) => lookup(lookups.searchPerson(input)),
    MetadataMovie: ({ id, language }) => lookup(lookups.movie(id, language)),
    MetadataMovieSimilar: ({ id, language }) => lookup(lookups.movieSimilar(id, language)),
    MetadataMovieRecommendations: ({ id, language }) => lookup(lookups.movieRecommendations(id, language)),
    MetadataCollection: ({ id, language }) => lookup(lookups.collection(id, language)),
    MetadataTv: ({ id, language }) => lookup(lookups.tv(id, language)),
    MetadataSeason: ({ id, seasonNumber, language }) => lookup(lookups.season(id, seasonNumber, language)),
    MetadataEpisode: ({ id, seasonNumber, episodeNumber, language }) => lookup(lookups.episode(id, seasonNumber, episodeNumber, language)),
    MetadataPerson: ({ id, language }) => lookup(lookups.person(id, language)),
    MetadataRefreshMovie: ({ id }) => managingItem("movie", id)(items.refresh({ kind: "movie", id })),
    MetadataRefreshSeries: ({ id }) => managingItem("series", id)(items.refresh({ kind: "series", id })),
    MetadataMovieState: ({ id }) => managingItem("movie", id)(items.state("movie", id)),
    MetadataSeriesState: ({ id }) => managingItem("series", id)(items.state("series", id)),
    MetadataEditMovie: ({ id, edit }) => managingItem("movie", id)(items.edit("movie", id, edit)),
    MetadataEditSeries: ({ id, edit }) => managingItem("series", id)(items.edit("series", id, edit)),
    MetadataMatchMovie: ({ id, match }) => managingItem("movie", id)(items.confirmMatch({ kind: "movie", id }, match)),
    MetadataMatchSeries: ({ id, match }) => managingItem("series", id)(items.confirmMatch({ kind: "series", id }, match)),
    ImagesGet: (request) =>
      Effect.map(ImagesServe(request, "image/webp"), (image) => ({ contentType: image.contentType, etag: image.etag, data: image.bytes }))
  })
  const rest = {
    MetadataPersonCredits: ({ id }: { readonly id: string }) => lookup(lookups.personCredits(id)),
    ImagesServe
  }
  return { rpc, rest }
})

export const makeMetadataOperations = Effect.map(makeAll, (all) => all.rpc)
export const makeMetadataRestOperations = Effect.map(makeAll, (all) => all.rest)
