/**
 * Outgoing email over SMTP (nodemailer). Without SMTP_HOST the server still runs: `configured` is
 * false and `send` fails with a 503 that says so, so only the operations that need email are refused.
 */
import { Unavailable } from "@mediaserver/domain"
import { Context, Effect, Layer, Option, Redacted } from "effect"
import nodemailer from "nodemailer"
import { AppConfig } from "../config/AppConfig.js"

export interface Mail {
  readonly to: string
  readonly subject: string
  readonly text: string
}

export const NOT_CONFIGURED = new Unavailable({
  message: "Email is not configured on this server (set SMTP_HOST)",
  details: { reason: "email_not_configured" }
})

const SEND_TIMEOUT_MS = 15_000

export class Mailer extends Context.Tag("@mediaserver/email/Mailer")<
  Mailer,
  {
    readonly configured: boolean
    readonly send: (mail: Mail) => Effect.Effect<void, Unavailable>
  }
>() {
  static readonly layer = Layer.scoped(
    Mailer,
    Effect.gen(function* () {
      const config = yield* AppConfig
      const transport = Option.map(config.smtpHost, (host) =>
        nodemailer.createTransport({
          host,
          port: config.smtpPort,
          secure: config.smtpSecure,
          connectionTimeout: SEND_TIMEOUT_MS,
          greetingTimeout: SEND_TIMEOUT_MS,
          socketTimeout: SEND_TIMEOUT_MS,
          ...Option.match(config.smtpUser, {
            onNone: () => ({}),
            onSome: (user) => ({
              auth: { user, pass: Option.match(config.smtpPassword, { onNone: () => "", onSome: Redacted.value }) }
            })
          })
        }))
      yield* Effect.addFinalizer(() => Effect.sync(() => Option.map(transport, (t) => t.close())))

      const send = (mail: Mail): Effect.Effect<void, Unavailable> =>
        Option.match(transport, {
          onNone: () => Effect.fail(NOT_CONFIGURED),
          onSome: (t) =>
            Effect.tryPromise({
              try: () => t.sendMail({ from: config.smtpFrom, to: mail.to, subject: mail.subject, text: mail.text }),
              catch: (cause) =>
                new Unavailable({ message: `Could not send email: ${cause instanceof Error ? cause.message : String(cause)}` })
            }).pipe(Effect.asVoid, Effect.withSpan("Mailer.send"))
        })

      return { configured: Option.isSome(transport), send }
    })
  )
}
