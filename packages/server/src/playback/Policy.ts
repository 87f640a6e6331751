/**
 * Who may play: a read scope and the `playback:use` permission; a session is then used only by its
 * owner or an admin (`PlaybackSessions.owned`). Every playback handler, REST and RPC, goes through here.
 */
import { all, canRead, requirePermission, withPolicy } from "../access/Policy.js"

export const playing = withPolicy(all(canRead, requirePermission("playback:use")))
