/**
 * Settings by key: server settings (admin) and each user's own. Every key belongs to a category and has
 * a Schema and a default; a value is stored in its JSON form, only after its key's Schema accepted it.
 */
import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema } from "@effect/platform"
import { Rpc, RpcGroup } from "@effect/rpc"
import { Either, ParseResult, Schema } from "effect"
import {
  Forbidden,
  HttpForbidden,
  HttpNotFound,
  HttpUnavailable,
  HttpUnprocessable,
  NotFound,
  Unavailable,
  Unprocessable
} from "./errors.js"
import { Authentication, RpcAuthentication } from "./identity.js"
import { about, doc } from "./apiDocs.js"

export interface SettingDef {
  readonly key: string
  readonly category: string
  readonly description: string
  /** The default, in its JSON form. */
  readonly fallback: unknown
  /** The value in its JSON form if the key's Schema accepts it, else why not. */
  readonly validate: (value: unknown) => Either.Either<unknown, string>
}

const define = <A, I>(key: string, category: string, description: string, schema: Schema.Schema<A, I>, fallback: NoInfer<I>): SettingDef => ({
  key,
  category,
  description,
  fallback,
  validate: (value) =>
    Schema.decodeUnknownEither(schema)(value).pipe(
      Either.flatMap(Schema.encodeEither(schema)),
      Either.mapLeft((error) => ParseResult.TreeFormatter.formatErrorSync(error))
    )
})

const Language = Schema.String.pipe(Schema.pattern(/^[a-z]{2,3}(-[A-Z]{2})?$/, { message: () => "a language code such as en or pt-BR" }))
const intIn = (min: number, max: number) => Schema.Int.pipe(Schema.between(min, max))

const catalogue = (defs: ReadonlyArray<SettingDef>): ReadonlyMap<string, SettingDef> => new Map(defs.map((d) => [d.key, d]))

/** Server settings (admin only). */
export const ServerSettings = catalogue([
  define("general.serverName", "general", "Name shown to clients", Schema.String.pipe(Schema.minLength(1), Schema.maxLength(100)), "Media server"),
  define("general.registrationOpen", "general", "Anyone may register an account", Schema.Boolean, true),
  define("library.scanIntervalMinutes", "library", "Minutes between scheduled library scans", intIn(5, 10_080), 360),
  define("library.preferredMetadataLanguage", "library", "Language of titles and overviews", Language, "en"),
  define("playback.maxConcurrentTranscodes", "playback", "Transcodes at once in the whole cluster (more play as remux or direct when the client can, else 503)", intIn(0, 64), 2),
  define("playback.maxStreamingBitrateKbps", "playback", "Upper bound of a stream's bitrate (0: none)", intIn(0, 1_000_000), 0),
  define("security.requireEmailVerification", "security", "Accounts must verify their email address", Schema.Boolean, false)
])

/** Each user's settings (also served as `/users/me/preferences`). */
export const UserSettings = catalogue([
  define("interface.theme", "interface", "Colour theme", Schema.Literal("light", "dark", "system"), "system"),
  define("interface.language", "interface", "Language of the interface", Language, "en"),
  define("interface.pageSize", "interface", "Items per page in listings", intIn(10, 200), 50),
  define("playback.autoplayNextEpisode", "playback", "Play the next episode when one ends", Schema.Boolean, true),
  define("playback.subtitleLanguage", "playback", "Preferred subtitles (null: none)", Schema.NullOr(Language), null),
  define("playback.audioLanguage", "playback", "Preferred audio language", Language, "en")
])

export class Setting extends Schema.Class<Setting>("Setting")({
  key: Schema.String,
  category: Schema.String,
  description: Schema.String,
  value: Schema.Unknown,
  default: Schema.Unknown,
  isDefault: Schema.Boolean
}) {}

export class SetSettingRequest extends Schema.Class<SetSettingRequest>("SetSettingRequest")({
  value: Schema.Unknown
}) {}

export const SettingsFilter = Schema.Struct({ category: Schema.optional(Schema.String.pipe(Schema.maxLength(64))) })
const keyPath = Schema.Struct({ key: Schema.String.pipe(Schema.maxLength(128)) })

export class SettingsApi extends HttpApiGroup.make("settings")
  .annotateContext(about("Server settings (admin) and the caller's own settings, by key; each key has a type and a default."))
  .add(
    HttpApiEndpoint.get("listServer", "/settings/server").setUrlParams(SettingsFilter).addSuccess(Schema.Array(Setting))
      .annotateContext(doc("List server settings", "Every server setting with its value, type and default, optionally of one category."))
  )
  .add(
    HttpApiEndpoint.get("getServer", "/settings/server/:key").setPath(keyPath).addSuccess(Setting)
      .annotateContext(doc("Get a server setting", "One server setting by key."))
  )
  .add(
    HttpApiEndpoint.put("setServer", "/settings/server/:key").setPath(keyPath).setPayload(SetSettingRequest).addSuccess(Setting)
      .annotateContext(doc("Set a server setting", "Changes a server setting; the value is checked against the setting's type (422 otherwise)."))
  )
  .add(
    HttpApiEndpoint.get("listUser", "/settings/user").setUrlParams(SettingsFilter).addSuccess(Schema.Array(Setting))
      .annotateContext(doc("List my settings", "The caller's settings with their values, types and defaults, optionally of one category."))
  )
  .add(
    HttpApiEndpoint.get("getUser", "/settings/user/:key").setPath(keyPath).addSuccess(Setting)
      .annotateContext(doc("Get my setting", "One of the caller's settings by key."))
  )
  .add(
    HttpApiEndpoint.put("setUser", "/settings/user/:key").setPath(keyPath).setPayload(SetSettingRequest).addSuccess(Setting)
      .annotateContext(doc("Set my setting", "Changes one of the caller's settings; the value is checked against the setting's type."))
  )
  .add(
    HttpApiEndpoint.del("resetUser", "/settings/user/:key").setPath(keyPath).addSuccess(HttpApiSchema.NoContent)
      .annotateContext(doc("Reset my setting", "Returns one of the caller's settings to its default."))
  )
  .middleware(Authentication)
  .addError(HttpNotFound)
  .addError(HttpUnprocessable)
  .addError(HttpForbidden)
  .addError(HttpUnavailable) {}

const SettingsErrors = Schema.Union(Forbidden, NotFound, Unprocessable, Unavailable)
const KeyValue = Schema.Struct({ key: Schema.String, value: Schema.Unknown })

export class SettingsRpcs extends RpcGroup.make(
  Rpc.make("SettingsServerList", { payload: SettingsFilter, success: Schema.Array(Setting), error: SettingsErrors }),
  Rpc.make("SettingsServerGet", { payload: keyPath, success: Setting, error: SettingsErrors }),
  Rpc.make("SettingsServerSet", { payload: KeyValue, success: Setting, error: SettingsErrors }),
  Rpc.make("SettingsUserList", { payload: SettingsFilter, success: Schema.Array(Setting), error: SettingsErrors }),
  Rpc.make("SettingsUserGet", { payload: keyPath, success: Setting, error: SettingsErrors }),
  Rpc.make("SettingsUserSet", { payload: KeyValue, success: Setting, error: SettingsErrors }),
  Rpc.make("SettingsUserReset", { payload: keyPath, error: SettingsErrors })
).middleware(RpcAuthentication) {}
