import { defineWorkspace } from "vitest/config"

export default defineWorkspace([
  "packages/domain",
  "packages/server",
  "packages/workers",
  "packages/rpc-client",
  "packages/testkit",
  "packages/web",
])
