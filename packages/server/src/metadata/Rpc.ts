/** RPC handlers of `MetadataRpcs`: the same services and policies as the REST handlers. */
import { MetadataRpcs } from "@mediaserver/domain"
import { Effect } from "effect"
import { canRead, withPolicy } from "../auth/Policy.js"
import { LibraryAccess } from "../library/LibraryAccess.js"
import { Images } from "./Images.js"
import { MetadataItems } from "./MetadataItems.js"
import { MetadataLookups } from "./Lookups.js"
import { metadataPolicies } from "./Policy.js"

export const MetadataRpcLive = MetadataRpcs.toLayer(
  Effect.gen(function* () {
    const lookups = yield* MetadataLookups
    const items = yield* MetadataItems
    const images = yield* Images
    const { lookup, managingItem } = metadataPolicies(yield* LibraryAccess, items)
    return {
      MetadataProviders: () => lookup(lookups.providers),
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
      ImagesGet: ({ type, path, size }) =>
        withPolicy(canRead)(Effect.map(images.serve(type, `/${path}`, size, "image/webp"), (image) => ({
          contentType: image.contentType,
          etag: image.etag,
          data: image.bytes
        })))
    }
  })
)
