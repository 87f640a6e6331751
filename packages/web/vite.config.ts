import { fileURLToPath } from "node:url"
import { defineConfig } from "vite"

// Built by scripts/build-web.mjs (npm start) into dist/web at the repository root, which every API node
// serves; asset names carry a content hash, so the server caches them for a year.
export default defineConfig({
  root: fileURLToPath(new URL("./src", import.meta.url)),
  base: "/",
  esbuild: { jsx: "automatic", jsxImportSource: "preact" },
  build: {
    outDir: fileURLToPath(new URL("../../dist/web", import.meta.url)),
    emptyOutDir: true,
    target: "es2022",
    assetsDir: "assets",
    // hls.js is loaded only by the player, never on the first load.
    chunkSizeWarningLimit: 700
  }
})
