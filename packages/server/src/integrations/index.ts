/**
 * Radarr and Sonarr: one *arr base (client, sync, webhooks, admin) that both apps configure (ArrApps).
 */
import { Layer } from "effect"
import { ProviderHttp } from "../metadata/provider/ProviderHttp.js"
import { ArrInstances } from "./ArrInstances.js"
import { ArrLibrary } from "./ArrLibrary.js"
import { ArrRepo } from "./ArrRepo.js"
import { ArrSyncService } from "./ArrSync.js"
import { ArrWebhooks } from "./ArrWebhooks.js"

export { IntegrationsHttpLive } from "./Http.js"
export { IntegrationsRpcLive } from "./Rpc.js"
export { ArrInstances, ArrLibrary, ArrRepo, ArrSyncService, ArrWebhooks }
export { mapPath } from "./ArrLibrary.js"

/** The integration services (needs SqlClient, Jobs, Events, SecretBox, ActivityLog, AppConfig). */
export const IntegrationsLive = Layer.mergeAll(ArrWebhooks.layer, ArrSyncService.layer).pipe(
  Layer.provideMerge(ArrInstances.layer),
  Layer.provideMerge(Layer.mergeAll(ArrRepo.layer, ArrLibrary.layer, ProviderHttp.layer))
)
