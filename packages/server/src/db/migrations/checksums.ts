/**
 * The sha-256 of each migration file as it shipped (line endings as \n). A node records these for the
 * migrations its database applied and refuses to start when one no longer matches: a shipped
 * migration is never edited, a change is a new migration. test/MigrationChecksums.test.ts keeps this
 * list in step with the files: a new migration adds its line here; an existing line never changes.
 */
export const MIGRATION_CHECKSUMS: Readonly<Record<string, string>> = {
  "0001_node_ping": "783bf35ba1b1b122eef46b6cb4ef31e1e823247afd50b17762c416fc51e9b423",
  "0002_job_runs": "d216efe22857dfa94d44acda2ebeda7c730783b33ac2e9d9253e7c6a27e8a58d",
  "0003_identity": "98e209f5b66fabf1bd5783af04060ef5d79d29c04fd9aab7887c1140a83d37a8",
  "0004_identity_email": "c11aaeb62f1fe570d5b989bd1f2d6d8517b98c0588325f4bd423813ea6c59215",
  "0005_settings": "cb579c80e6f130a2566b5517101c3fd31e26eabddf961b74378bdde8e9afb610",
  "0006_user_avatar": "a6b73571662e89a67633e820cf594da4ff071c537f3d2613734f807abf094853",
  "0007_activity_log": "faaef2b16d6c88efdd726505809ff53d109e5a93472dd4b28781cc05967be911",
  "0008_rbac": "b153cd827f7fd6e0fd77d6162e535140d4212622e38be3ec0f542b1723e19cfa",
  "0010_libraries": "a1db07f581f3b3b41abd4a331dfd06f22cd32d6aac6634da9fe14769f81e52a1",
  "0011_content_details": "eef02010737142051c72fac3c72d4ad7f0a7d2a31e2edd80589f63bf69764b5d",
  "0020_mfa": "1be80479c5e6529454fb58fde2250d995412f8b5dfd87f685d8cff7f3e4e435a",
  "0021_oidc": "cca29eb0ea9bd8c6ddcc40be0c5d687f1e27b5318dfcd9dbe22420c94b964342",
  "0030_metadata_images": "49eace2f21dcf6f05de05ed1d1282e868f79232c1401f4f330cb8e8d07b6419f",
  "0040_playback_sessions": "174440d08f35d83c82c49530ea23370b775be9e7fbcb5096ea5c2b408008bc74",
  "0045_media_keyframes": "48fea6f63416e40df2fbf122d2187fb8ca2ec9f45bf61ec8e755745594f0469b",
  "0046_activity_log_at": "4d0dcaab50df7ad32e05e52f0be066243d05ae2720ee27c012b0b08009db248e",
  "0047_playback_stream_token": "20abbf65d4d08bb6274e945aeb31022128975530dc720fafd81a67c7ade0cc88",
  "0050_search": "f45d8e18e39907cc1b339a9fc4a59a2cd12298957e246dfde5cd98c8c6277677",
  "0051_search_reindex": "ebbef2ef12fdcb2689fef63447f06a4a6a401d50e3c6286d8470b0f1ab526501",
  "0055_arr_integrations": "8c79fba3b7a50e9c8af47befed010301653c8302fc21184ccbcd08fb48e96867",
  "0060_event_outbox": "0a96803a2ca0845f48f3566028b68408d3a33b6ba17505c922d89a82f2224e92",
  "0065_notifications": "4d36db895222fae11ce0396c76a69396fea5ae6acfacf196ca43c5b9b5379121",
  "0070_user_disabled": "807b81df72531e386bae6fc6988b68a646b8d6ac0e5e63d984b7c8b03e4f6b35",
  "0075_metadata_provider_settings": "4db56f50a6e87f431c66c9c51926f62a29ec9989f3d485f123bd490460f521b5",
  "0082_statistics": "4d1d3d0584dea26bec3d542e9682f305c1718ec162c6103ecbc5caf346a5527e",
  "0083_search_gin_pending": "95e6ff51ef4ab268c3788a3b8b8783b51b214e0199e11a9e17dc21c4c48f4f5e",
  "0085_provider_slots": "5a91f604e0607aa25b28b5730b9931b0d9347a11cbd403fa5863f3506400b67e",
  "0086_series_absolute_numbers": "d962cddc1a773d7da7b3044f4b11c0d68bff34be96e7f65a2ea98459dd2ca73d",
  "0087_job_claims": "cbe2444214932ea6acc16155e0ecff136da2ecae809709a1426ec1c8fdb8ae90"
}
