/**
 * A real SMTP server on 127.0.0.1 (smtp-server) that keeps every mail it receives, for tests of the
 * mails the server sends. `env` points a test server at it; `mailTo` polls until a mail arrives.
 */
import { Duration, Effect, type Scope } from "effect"
import { SMTPServer } from "smtp-server"
import type { AddressInfo } from "node:net"
import { eventually } from "./Poll.js"

export interface ReceivedMail {
  readonly from: string
  readonly to: ReadonlyArray<string>
  /** The raw message (headers and body), quoted-printable soft line breaks undone. */
  readonly raw: string
}

export interface SmtpSink {
  readonly env: Record<string, string>
  readonly mails: () => ReadonlyArray<ReceivedMail>
  /** The newest mail to `address` with `subject` in its headers, waiting for it. */
  readonly mailTo: (address: string, subject: string) => Effect.Effect<ReceivedMail, unknown>
}

const USER = "mailer"
const PASSWORD = "smtp secret"

const unfold = (raw: string) => raw.replace(/=\r?\n/g, "").replace(/=3D/g, "=")

export const smtpSink: Effect.Effect<SmtpSink, never, Scope.Scope> = Effect.gen(function* () {
  const received: Array<ReceivedMail> = []
  const server = new SMTPServer({
    // Plain SMTP with AUTH allowed over it: a test double, not a relay.
    disabledCommands: ["STARTTLS"],
    allowInsecureAuth: true,
    logger: false,
    onAuth: (auth, _session, callback) =>
      auth.username === USER && auth.password === PASSWORD
        ? callback(null, { user: USER })
        : callback(new Error("Invalid username or password")),
    onData: (stream, session, callback) => {
      const chunks: Array<Buffer> = []
      stream.on("data", (chunk: Buffer) => chunks.push(chunk))
      stream.on("end", () => {
        received.push({
          from: session.envelope.mailFrom === false ? "" : session.envelope.mailFrom.address,
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: unfold(Buffer.concat(chunks).toString("utf8"))
        })
        callback()
      })
    }
  })
  const port = yield* Effect.acquireRelease(
    Effect.async<number>((resume) => {
      server.listen(0, "127.0.0.1", () => {
        const address = server.server.address()
        resume(Effect.succeed(typeof address === "object" && address !== null ? (address satisfies AddressInfo).port : 0))
      })
    }),
    () => Effect.async<void>((resume) => server.close(() => resume(Effect.void)))
  )
  const mails = () => [...received]
  return {
    env: {
      SMTP_HOST: "127.0.0.1",
      SMTP_PORT: String(port),
      SMTP_USER: USER,
      SMTP_PASSWORD: PASSWORD,
      SMTP_FROM: "Media server <media@example.test>"
    },
    mails,
    mailTo: (address, subject) =>
      eventually(
        Effect.sync(() => mails().filter((m) => m.to.includes(address) && m.raw.includes(`Subject: ${subject}`)).at(-1)),
        (mail) => mail !== undefined,
        { what: `a mail "${subject}" to ${address}`, timeout: Duration.seconds(10) }
      ).pipe(Effect.flatMap((mail) => (mail === undefined ? Effect.dieMessage("unreachable") : Effect.succeed(mail))))
  }
})

/** The token of the link in a mail (`...?token=mse_...`). */
export const tokenIn = (mail: ReceivedMail): string => /token=(mse_[A-Za-z0-9_-]{43})/.exec(mail.raw)?.[1] ?? ""
