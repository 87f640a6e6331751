import { Migrator } from "@effect/sql"
import nodePing from "./0001_node_ping.js"
import jobRuns from "./0002_job_runs.js"
import identity from "./0003_identity.js"
import mfa from "./0020_mfa.js"
import oidc from "./0021_oidc.js"
import identityEmail from "./0004_identity_email.js"
import settings from "./0005_settings.js"
import userAvatar from "./0006_user_avatar.js"
import activityLog from "./0007_activity_log.js"
import rbac from "./0008_rbac.js"
import libraries from "./0010_libraries.js"
import contentDetails from "./0011_content_details.js"
import metadataImages from "./0030_metadata_images.js"
import playbackSessions from "./0040_playback_sessions.js"
import mediaKeyframes from "./0045_media_keyframes.js"
import activityLogAt from "./0046_activity_log_at.js"
import playbackStreamToken from "./0047_playback_stream_token.js"
import search from "./0050_search.js"
import searchReindex from "./0051_search_reindex.js"
import arrIntegrations from "./0055_arr_integrations.js"
import eventOutbox from "./0060_event_outbox.js"
import notifications from "./0065_notifications.js"
import userDisabled from "./0070_user_disabled.js"
import metadataProviderSettings from "./0075_metadata_provider_settings.js"
import statistics from "./0082_statistics.js"
import searchGinPending from "./0083_search_gin_pending.js"
import providerSlots from "./0085_provider_slots.js"
import seriesAbsoluteNumbers from "./0086_series_absolute_numbers.js"
import jobClaims from "./0087_job_claims.js"

/**
 * Forward-only. Add `NNNN_name` entries; never edit one that has shipped. A new id must be above every
 * shipped one (the migrator runs only ids above the latest applied): the next is 0088.
 */
export const migrations = Migrator.fromRecord({
  "0001_node_ping": nodePing,
  "0002_job_runs": jobRuns,
  "0003_identity": identity,
  "0004_identity_email": identityEmail,
  "0005_settings": settings,
  "0006_user_avatar": userAvatar,
  "0007_activity_log": activityLog,
  "0008_rbac": rbac,
  "0010_libraries": libraries,
  "0011_content_details": contentDetails,
  "0020_mfa": mfa,
  "0021_oidc": oidc,
  "0030_metadata_images": metadataImages,
  "0040_playback_sessions": playbackSessions,
  "0045_media_keyframes": mediaKeyframes,
  "0046_activity_log_at": activityLogAt,
  "0047_playback_stream_token": playbackStreamToken,
  "0050_search": search,
  "0051_search_reindex": searchReindex,
  "0055_arr_integrations": arrIntegrations,
  "0060_event_outbox": eventOutbox,
  "0065_notifications": notifications,
  "0070_user_disabled": userDisabled,
  "0075_metadata_provider_settings": metadataProviderSettings,
  "0082_statistics": statistics,
  "0083_search_gin_pending": searchGinPending,
  "0085_provider_slots": providerSlots,
  "0086_series_absolute_numbers": seriesAbsoluteNumbers,
  "0087_job_claims": jobClaims
})
