/**
 * Metadata: providers (TMDb) behind one HTTP client, lookups, the refresh pipelines the jobs run,
 * an admin's edits and matches, and images.
 */
import { Layer } from "effect"
import { Storage } from "../storage/Storage.js"
import { AbsoluteNumbers } from "./AbsoluteNumbers.js"
import { Images } from "./Images.js"
import { ImagesRepo } from "./ImagesRepo.js"
import { ItemsRepo } from "./ItemsRepo.js"
import { MetadataLookups } from "./Lookups.js"
import { MetadataItems } from "./MetadataItems.js"
import { PeopleRepo } from "./PeopleRepo.js"
import { MetadataProviders } from "./Providers.js"
import { MetadataRefresh } from "./Refresh.js"

export { MetadataHttpLive } from "./Http.js"
export { MetadataRpcLive } from "./Rpc.js"
export { Images, MetadataItems, MetadataLookups, MetadataProviders, MetadataRefresh }

/** Every metadata service a node offers to its handlers and to the metadata jobs. */
export const MetadataLive = Layer.mergeAll(MetadataRefresh.layer, MetadataLookups.layer, MetadataItems.layer).pipe(
  Layer.provideMerge(Images.layer),
  Layer.provideMerge(Layer.mergeAll(MetadataProviders.layer, ItemsRepo.layer, AbsoluteNumbers.layer, PeopleRepo.layer, ImagesRepo.layer, Storage.layer))
)
