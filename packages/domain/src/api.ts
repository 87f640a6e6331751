import { HttpApi, OpenApi } from "@effect/platform"
import { HttpBadRequest, HttpInternalError, HttpNotFound, HttpPayloadTooLarge } from "./errors.js"
import { ApiKeysApi, AuthApi, SessionsApi } from "./auth.js"
import { CollectionsApi, GenresApi, MoviesApi, TvShowsApi } from "./browseApi.js"
import { AdminJobsApi } from "./jobsApi.js"
import { LibrariesApi } from "./librariesApi.js"
import { MfaApi, MfaLoginApi } from "./mfa.js"
import { AdminOidcApi, OidcApi, OidcLinksApi } from "./oidc.js"
import { PlaybackApi, PlaybackSignedApi } from "./playback.js"
import { ImagesApi, MetadataApi, MetadataRefreshApi } from "./metadataApi.js"
import { RbacApi } from "./rbac.js"
import { SettingsApi } from "./settings.js"
import { SystemApi } from "./system.js"
import { AdminUsersApi, UsersApi } from "./users.js"

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
  .add(LibrariesApi)
  .add(SettingsApi)
  .add(RbacApi)
  .add(MoviesApi)
  .add(CollectionsApi)
  .add(TvShowsApi)
  .add(GenresApi)
  .add(PlaybackApi)
  .add(PlaybackSignedApi)
  .add(MetadataApi)
  .add(MetadataRefreshApi)
  .add(ImagesApi)
  .addError(HttpBadRequest)
  .addError(HttpNotFound)
  .addError(HttpPayloadTooLarge)
  .addError(HttpInternalError)
  .prefix("/api/v1")
  .annotateContext(
    OpenApi.annotations({
      title: "Media server API",
      version: "1",
      description: "REST gateway of the media server. Errors are JSON bodies { code, message, details? }."
    })
  ) {}
