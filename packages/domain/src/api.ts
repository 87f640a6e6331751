import { HttpApi, OpenApi } from "@effect/platform"
import { HttpBadRequest, HttpConfigurationError, HttpInternalError, HttpNotFound, HttpPayloadTooLarge } from "./errors.js"
import { ApiKeysApi, AuthApi, IdentityRpcs, SessionsApi } from "./auth.js"
import { CollectionsApi, GenresApi, MoviesApi, PeopleApi, TvShowsApi } from "./browseApi.js"
import { BrowseRpcs } from "./browseRpcs.js"
import { AdminActivityApi, AdminActivityRpcs } from "./activity.js"
import { EventsRpcs } from "./eventsApi.js"
import { AdminJobsApi, AdminJobsRpcs } from "./jobsApi.js"
import { AdminIntegrationsApi, ArrAppApi, ArrWebhookApi, IntegrationRpcs } from "./integrationsApi.js"
import { LibrariesApi, LibraryRpcs } from "./librariesApi.js"
import { AdminNotificationsApi, NotificationPreferencesApi, NotificationRpcs } from "./notifications.js"
import { MfaApi, MfaLoginApi, MfaLoginRpcs, MfaRpcs } from "./mfa.js"
import { AdminOidcApi, OidcAccountRpcs, OidcApi, OidcLinksApi, OidcRpcs } from "./oidc.js"
import { PlaybackApi, PlaybackRpcs, PlaybackSignedApi } from "./playback.js"
import { ImagesApi, MetadataApi, MetadataRefreshApi, MetadataRpcs } from "./metadataApi.js"
import { RbacApi, RbacRpcs } from "./rbac.js"
import { SearchApi, SearchRpcs } from "./search.js"
import { SettingsApi, SettingsRpcs } from "./settings.js"
import { AdminStatisticsApi, AdminStatisticsRpcs } from "./statistics.js"
import { SystemApi, SystemRpcs } from "./system.js"
import { AdminUsersApi, ProfileRpcs, UsersApi } from "./users.js"

/** The REST gateway under /api/v1. Each slice adds its group here. */
export class MediaApi extends HttpApi.make("media")
  .add(SystemApi)
  .add(AuthApi)
  .add(SessionsApi)
  .add(ApiKeysApi)
  .add(MfaApi)
  .add(MfaLoginApi)
  .add(OidcApi)
  .add(OidcLinksApi)
  .add(AdminOidcApi)
  .add(UsersApi)
  .add(AdminUsersApi)
  .add(AdminJobsApi)
  .add(AdminActivityApi)
  .add(AdminStatisticsApi)
  .add(LibrariesApi)
  .add(SettingsApi)
  .add(RbacApi)
  .add(MoviesApi)
  .add(CollectionsApi)
  .add(PeopleApi)
  .add(TvShowsApi)
  .add(GenresApi)
  .add(PlaybackApi)
  .add(PlaybackSignedApi)
  .add(MetadataApi)
  .add(MetadataRefreshApi)
  .add(ImagesApi)
  .add(SearchApi)
  .add(AdminIntegrationsApi)
  .add(ArrAppApi)
  .add(ArrWebhookApi)
  .add(AdminNotificationsApi)
  .add(NotificationPreferencesApi)
  .addError(HttpBadRequest)
  .addError(HttpNotFound)
  .addError(HttpPayloadTooLarge)
  .addError(HttpInternalError)
  // Any operation that reads a stored secret can meet a SECRETS_KEY that does not open it.
  .addError(HttpConfigurationError)
  .prefix("/api/v1")
  .annotateContext(
    OpenApi.annotations({
      title: "Media server API",
      version: "1",
      description: "REST gateway of the media server. Errors are JSON bodies { code, message, details? }.",
      // The document is served by the server it describes: paths are relative to wherever it was fetched.
      servers: [{ url: "/", description: "This server" }]
    })
  ) {}

/**
 * Every RPC group, merged into the one group the server serves at /rpc and the SDK calls. Each slice
 * adds its group here, next to its REST group above.
 */
export const AllRpcs = SystemRpcs.merge(IdentityRpcs, AdminJobsRpcs, SettingsRpcs, ProfileRpcs, RbacRpcs, LibraryRpcs)
  .merge(BrowseRpcs)
  .merge(MfaRpcs, MfaLoginRpcs, OidcRpcs, OidcAccountRpcs)
  .merge(PlaybackRpcs)
  .merge(MetadataRpcs)
  .merge(SearchRpcs)
  .merge(IntegrationRpcs)
  .merge(EventsRpcs, AdminActivityRpcs, AdminStatisticsRpcs)
  .merge(NotificationRpcs)
export type AllRpcs = typeof AllRpcs
