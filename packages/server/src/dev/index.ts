/** Development data: seeded content for benchmarks, tests and `npm run seed`. */
export { type Seeded, seedContent, type SeedOptions } from "./SeedContent.js"
