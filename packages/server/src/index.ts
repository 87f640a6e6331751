/**
 * The server package's root entry: a node's whole layer. Other packages enter an area through its
 * own entry (`@mediaserver/server/<area>`, listed in package.json). The map's `./*` line has only a
 * `types` condition: declaration files may name an area's inner types, but no runtime resolves
 * those paths, and the boundaries test (packages/testkit/test) refuses them in source.
 */
export { makeNodeLive } from "./Main.js"
