/**
 * Log in, list movies, start playback: the SDK's Promise client against a running server.
 *
 *   npm start                                     # a server on http://127.0.0.1:8080
 *   npx tsx packages/rpc-client/examples/quickstart.ts http://127.0.0.1:8080 <user> <password>
 */
import { AuthTokens, NotFound } from "@mediaserver/domain"
import { Redacted } from "effect"
import { createMediaClient } from "../src/index.js"

const [server = "http://127.0.0.1:8080", username = "admin", password = ""] = process.argv.slice(2)
const url = `${server}/rpc`

const main = async () => {
  // 1. Log in (an account with a second factor answers MfaRequired instead: finish with MfaLogin).
  const anonymous = createMediaClient({ url })
  const login = await anonymous.AuthLogin({
    username,
    password: Redacted.make(password)
  }).finally(() => anonymous.close())
  if (!(login instanceof AuthTokens)) return console.log("this account needs its second factor")

  // 2. Every further call carries the access token.
  const client = createMediaClient({ url, bearerToken: login.accessToken })
  try {
    const movies = await client.MoviesList({ limit: 10, sort: "title" })
    console.log(`${movies.total} movies:`, movies.items.map((movie) => movie.title))

    // 3. Start playing the first one: the server decides direct play, remux or transcode for this client.
    const first = movies.items[0]
    if (first === undefined) return
    const session = await client.PlaybackCreate({
      item: { _tag: "movie", id: first.id },
      client: { containers: ["mp4"], videoCodecs: ["h264"], audioCodecs: ["aac"] }
    })
    console.log(`playing ${first.title} by ${session.decision.method}`)
    if (session.decision.method !== "direct") console.log(await client.PlaybackPlaylist({ sessionId: session.id, name: "master.m3u8" }))
    await client.PlaybackStop({ sessionId: session.id })
  } catch (error) {
    // Failures reject with the server's typed errors themselves.
    console.error(error instanceof NotFound ? `not found: ${error.message}` : error)
  } finally {
    await client.close()
  }
}

void main()
