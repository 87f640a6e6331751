/**
 * Second factors: TOTP, backup codes and WebAuthn, the account's MFA switch, and completing a password
 * login that answered `MfaRequired` (POST /mfa/login with a code, or the WebAuthn login ceremony).
 * WebAuthn options and responses are the browser's JSON (`PublicKeyCredential*JSON`), passed through.
 */
import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema } from "@effect/platform"
import { Rpc, RpcGroup } from "@effect/rpc"
import { Schema } from "effect"
import { AuthTokens } from "./auth.js"
import {
  ConfigurationError,
  Conflict,
  Forbidden,
  HttpConflict,
  HttpForbidden,
  HttpNotFound,
  HttpTooManyRequests,
  HttpUnauthorized,
  HttpUnavailable,
  HttpUnprocessable,
  NotFound,
  TooManyRequests,
  Unauthorized,
  Unavailable,
  Unprocessable
} from "./errors.js"
import { Authentication, RpcAuthentication, UserId } from "./identity.js"
import { about, doc } from "./apiDocs.js"

/** A 6-digit TOTP code. */
export const TotpCode = Schema.String.pipe(Schema.pattern(/^\d{6}$/, { message: () => "6 digits" }))

export class MfaStatus extends Schema.Class<MfaStatus>("MfaStatus")({
  userId: UserId,
  /** Password logins need a second factor. */
  enabled: Schema.Boolean,
  totp: Schema.Boolean,
  backupCodesRemaining: Schema.Number,
  webauthnCredentials: Schema.Number
}) {}

export class TotpSetup extends Schema.Class<TotpSetup>("TotpSetup")({
  /** Base32, for typing into an authenticator app. */
  secret: Schema.Redacted(Schema.String),
  otpauthUrl: Schema.Redacted(Schema.String),
  /** The otpauth URL as a QR code: an SVG data URL. */
  qrCode: Schema.String
}) {}

export class TotpVerifyRequest extends Schema.Class<TotpVerifyRequest>("TotpVerifyRequest")({ code: TotpCode }) {}

/** Proof of presence for turning protection off: a current TOTP or backup code, or the password. */
export class MfaProof extends Schema.Class<MfaProof>("MfaProof")({
  code: Schema.optional(Schema.String.pipe(Schema.minLength(6), Schema.maxLength(32))),
  password: Schema.optional(Schema.Redacted(Schema.String.pipe(Schema.minLength(1), Schema.maxLength(1024))))
}) {}

/** The password, to remove every second factor at once (a lost authenticator needs no code). */
export class MfaPassword extends Schema.Class<MfaPassword>("MfaPassword")({
  password: Schema.Redacted(Schema.String.pipe(Schema.minLength(1), Schema.maxLength(1024)))
}) {}

export class BackupCodes extends Schema.Class<BackupCodes>("BackupCodes")({
  /** Shown once: only their hashes are stored. Each works once. */
  codes: Schema.Array(Schema.String)
}) {}

const MfaToken = Schema.Redacted(Schema.String.pipe(Schema.minLength(1), Schema.maxLength(200)))
const loginOptions = {
  /** HTTP only: also set the web client's cookies, as `login` does. */
  cookie: Schema.optional(Schema.Boolean)
}

export class MfaLoginRequest extends Schema.Class<MfaLoginRequest>("MfaLoginRequest")({
  mfaToken: MfaToken,
  /** A TOTP code or a backup code. */
  code: Schema.String.pipe(Schema.minLength(6), Schema.maxLength(32)),
  ...loginOptions
}) {}

// ---------------------------------------------------------------------------------------------------------
// WebAuthn (JSON of the browser's PublicKeyCredential, base64url fields)

const B64 = Schema.String.pipe(Schema.pattern(/^[A-Za-z0-9_-]*={0,2}$/, { message: () => "base64url" }))
const Attachment = Schema.optional(Schema.Literal("platform", "cross-platform"))

/** What registration and authentication responses share. */
const credentialFields = {
  id: B64,
  rawId: B64,
  type: Schema.Literal("public-key"),
  authenticatorAttachment: Attachment
}

export const RegistrationResponse = Schema.Struct({
  ...credentialFields,
  response: Schema.Struct({
    clientDataJSON: B64,
    attestationObject: B64,
    transports: Schema.optional(Schema.Array(Schema.String))
  })
})
export type RegistrationResponse = typeof RegistrationResponse.Type

export const AuthenticationResponse = Schema.Struct({
  ...credentialFields,
  response: Schema.Struct({
    clientDataJSON: B64,
    authenticatorData: B64,
    signature: B64,
    userHandle: Schema.optional(B64)
  })
})
export type AuthenticationResponse = typeof AuthenticationResponse.Type

/** PublicKeyCredentialCreationOptionsJSON / RequestOptionsJSON, for `navigator.credentials`. */
export const WebAuthnOptions = Schema.Record({ key: Schema.String, value: Schema.Unknown })

const CredentialName = Schema.String.pipe(Schema.minLength(1), Schema.maxLength(100))

export class WebAuthnRegisterFinish extends Schema.Class<WebAuthnRegisterFinish>("WebAuthnRegisterFinish")({
  name: Schema.optional(CredentialName),
  response: RegistrationResponse
}) {}

export class WebAuthnLoginBegin extends Schema.Class<WebAuthnLoginBegin>("WebAuthnLoginBegin")({ mfaToken: MfaToken }) {}

export class WebAuthnLoginFinish extends Schema.Class<WebAuthnLoginFinish>("WebAuthnLoginFinish")({
  mfaToken: MfaToken,
  response: AuthenticationResponse,
  ...loginOptions
}) {}

export class WebAuthnCredentialInfo extends Schema.Class<WebAuthnCredentialInfo>("WebAuthnCredentialInfo")({
  /** The credential id (base64url). */
  id: Schema.String,
  name: Schema.String,
  createdAt: Schema.DateTimeUtc,
  lastUsedAt: Schema.NullOr(Schema.DateTimeUtc)
}) {}

export class RenameCredential extends Schema.Class<RenameCredential>("RenameCredential")({ name: CredentialName }) {}

const credentialPath = Schema.Struct({ credentialId: B64 })
const statusParams = Schema.Struct({
  /** Admins: another user's status. */
  userId: Schema.optional(UserId)
})

// ---------------------------------------------------------------------------------------------------------
// HTTP

export class MfaApi extends HttpApiGroup.make("mfa")
  .annotateContext(about("Second factors of the caller's account: TOTP (authenticator apps), backup codes and WebAuthn security keys or passkeys."))
  .add(
    HttpApiEndpoint.get("status", "/mfa/status").setUrlParams(statusParams).addSuccess(MfaStatus)
      .annotateContext(doc("Get second-factor status", "Which second factors the caller has (TOTP, WebAuthn credentials, backup codes left). Admins may ask for another user with `userId`."))
  )
  .add(
    HttpApiEndpoint.post("totpSetup", "/mfa/totp/setup").addSuccess(TotpSetup)
      .annotateContext(doc("Start TOTP enrolment", "Makes a new TOTP secret and answers it with an `otpauth://` URI and a QR code for an authenticator app; it takes effect once verified."))
  )
  .add(
    HttpApiEndpoint.post("totpVerify", "/mfa/totp/verify").setPayload(TotpVerifyRequest).addSuccess(MfaStatus)
      .annotateContext(doc("Confirm TOTP enrolment", "Confirms the secret of `totp/setup` with a code from the authenticator app; from then on login asks for a second factor."))
  )
  .add(
    HttpApiEndpoint.del("totpDelete", "/mfa/totp").setPayload(MfaProof).addSuccess(HttpApiSchema.NoContent)
      .annotateContext(doc("Remove TOTP", "Removes the TOTP factor, given a current code or the password. When no other factor remains the backup codes are removed too."))
  )
  .add(
    HttpApiEndpoint.post("backupGenerate", "/mfa/backup-codes/generate").addSuccess(BackupCodes)
      .annotateContext(doc("Generate backup codes", "Makes the caller's first set of single-use backup codes, shown only in this answer."))
  )
  .add(
    HttpApiEndpoint.post("backupRegenerate", "/mfa/backup-codes/regenerate").addSuccess(BackupCodes)
      .annotateContext(doc("Regenerate backup codes", "Replaces the caller's backup codes with a new set; the old codes stop working."))
  )
  .add(
    HttpApiEndpoint.post("enable", "/mfa/enable").addSuccess(MfaStatus)
      .annotateContext(doc("Turn second factors on", "Requires a second factor at login again, once at least one factor is enrolled."))
  )
  .add(
    HttpApiEndpoint.post("disable", "/mfa/disable").setPayload(MfaProof).addSuccess(MfaStatus)
      .annotateContext(doc("Turn second factors off", "Stops asking for a second factor at login, given a current code or the password; enrolled factors are kept."))
  )
  .add(
    HttpApiEndpoint.post("removeAll", "/mfa/remove-all").setPayload(MfaPassword).addSuccess(MfaStatus)
      .annotateContext(doc("Remove every second factor", "Removes TOTP, backup codes and every WebAuthn credential of the caller, given the password."))
  )
  .add(
    HttpApiEndpoint.post("webauthnRegisterBegin", "/mfa/webauthn/register/begin").addSuccess(WebAuthnOptions)
      .annotateContext(doc("Start registering a security key", "Answers the WebAuthn creation options to pass to `navigator.credentials.create()`."))
  )
  .add(
    HttpApiEndpoint.post("webauthnRegisterFinish", "/mfa/webauthn/register/finish")
      .setPayload(WebAuthnRegisterFinish)
      .addSuccess(WebAuthnCredentialInfo, { status: 201 })
      .annotateContext(doc("Finish registering a security key", "Verifies the browser's attestation and stores the new credential under the given name."))
  )
  .add(
    HttpApiEndpoint.get("webauthnCredentials", "/mfa/webauthn/credentials").addSuccess(Schema.Array(WebAuthnCredentialInfo))
      .annotateContext(doc("List my security keys", "The caller's WebAuthn credentials (name, creation, last use)."))
  )
  .add(
    HttpApiEndpoint.del("webauthnDelete", "/mfa/webauthn/credentials/:credentialId")
      .setPath(credentialPath)
      .addSuccess(HttpApiSchema.NoContent)
      .annotateContext(doc("Delete a security key", "Removes one of the caller's WebAuthn credentials."))
  )
  .add(
    HttpApiEndpoint.patch("webauthnRename", "/mfa/webauthn/credentials/:credentialId")
      .setPath(credentialPath)
      .setPayload(RenameCredential)
      .addSuccess(WebAuthnCredentialInfo)
      .annotateContext(doc("Rename a security key", "Changes the name of one of the caller's WebAuthn credentials."))
  )
  .middleware(Authentication)
  .addError(HttpNotFound)
  .addError(HttpConflict)
  .addError(HttpUnprocessable)
  .addError(HttpForbidden)
  .addError(HttpTooManyRequests)
  .addError(HttpUnavailable) {}

/** The second step of a password login: no session yet, the MFA token authenticates. */
export class MfaLoginApi extends HttpApiGroup.make("mfaLogin")
  .annotateContext(about("The second step of a login for an account with a second factor: a TOTP or backup code, or a WebAuthn assertion, in exchange for the challenge token `login` answered."))
  .add(
    HttpApiEndpoint.post("login", "/mfa/login").setPayload(MfaLoginRequest).addSuccess(AuthTokens)
      .annotateContext(doc("Complete login with a code", "Completes a login that answered `mfaRequired`, with its challenge token and a TOTP or backup code; answers the tokens."))
  )
  .add(
    HttpApiEndpoint.post("webauthnLoginBegin", "/mfa/webauthn/login/begin").setPayload(WebAuthnLoginBegin).addSuccess(WebAuthnOptions)
      .annotateContext(doc("Start login with a security key", "Answers the WebAuthn request options for the challenge token of `login`, to pass to `navigator.credentials.get()`."))
  )
  .add(
    HttpApiEndpoint.post("webauthnLoginFinish", "/mfa/webauthn/login/finish").setPayload(WebAuthnLoginFinish).addSuccess(AuthTokens)
      .annotateContext(doc("Finish login with a security key", "Verifies the browser's assertion and completes the login; answers the tokens."))
  )
  .addError(HttpUnauthorized)
  .addError(HttpTooManyRequests)
  .addError(HttpUnavailable) {}

// ---------------------------------------------------------------------------------------------------------
// RPC

// ConfigurationError: a stored TOTP secret that SECRETS_KEY does not open.
const MfaErrors = Schema.Union(Forbidden, NotFound, Conflict, Unprocessable, Unauthorized, TooManyRequests, Unavailable, ConfigurationError)
const LoginErrors = Schema.Union(Unauthorized, TooManyRequests, Unavailable, ConfigurationError)

export class MfaRpcs extends RpcGroup.make(
  Rpc.make("MfaStatus", { payload: statusParams, success: MfaStatus, error: MfaErrors }),
  Rpc.make("MfaTotpSetup", { success: TotpSetup, error: MfaErrors }),
  Rpc.make("MfaTotpVerify", { payload: TotpVerifyRequest, success: MfaStatus, error: MfaErrors }),
  Rpc.make("MfaTotpDelete", { payload: MfaProof, success: MfaStatus, error: MfaErrors }),
  Rpc.make("MfaBackupGenerate", { success: BackupCodes, error: MfaErrors }),
  Rpc.make("MfaBackupRegenerate", { success: BackupCodes, error: MfaErrors }),
  Rpc.make("MfaEnable", { success: MfaStatus, error: MfaErrors }),
  Rpc.make("MfaDisable", { payload: MfaProof, success: MfaStatus, error: MfaErrors }),
  Rpc.make("MfaRemoveAll", { payload: MfaPassword, success: MfaStatus, error: MfaErrors }),
  Rpc.make("MfaWebAuthnRegisterBegin", { success: WebAuthnOptions, error: MfaErrors }),
  Rpc.make("MfaWebAuthnRegisterFinish", { payload: WebAuthnRegisterFinish, success: WebAuthnCredentialInfo, error: MfaErrors }),
  Rpc.make("MfaWebAuthnCredentials", { success: Schema.Array(WebAuthnCredentialInfo), error: MfaErrors }),
  Rpc.make("MfaWebAuthnDelete", { payload: credentialPath, error: MfaErrors }),
  Rpc.make("MfaWebAuthnRename", { payload: Schema.Struct({ credentialId: B64, name: CredentialName }), success: WebAuthnCredentialInfo, error: MfaErrors })
).middleware(RpcAuthentication) {}

export class MfaLoginRpcs extends RpcGroup.make(
  Rpc.make("MfaLogin", { payload: MfaLoginRequest, success: AuthTokens, error: LoginErrors }),
  Rpc.make("MfaWebAuthnLoginBegin", { payload: WebAuthnLoginBegin, success: WebAuthnOptions, error: LoginErrors }),
  Rpc.make("MfaWebAuthnLoginFinish", { payload: WebAuthnLoginFinish, success: AuthTokens, error: LoginErrors })
) {}
