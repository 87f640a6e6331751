/** Change events published to every node (library, content and playback changes). */
export { Events } from "./Events.js"
