import { defineConfig } from "vitest/config"

/**
 * The fast tier (`npm run test:unit`): tests named `*.unit.test.ts` need no Postgres, Redis, ffmpeg
 * or network; time is TestClock's, services are in-memory layers. `npm test` runs them with the rest.
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          root: ".",
          include: ["packages/*/test/**/*.unit.test.ts"],
          testTimeout: 10_000,
          // These tests share no state through modules: one module graph per worker instead of per file
          // (most of the tier's time was loading effect again for every file).
          isolate: false
        }
      }
    ]
  }
})
