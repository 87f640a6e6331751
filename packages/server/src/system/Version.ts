/** The version nodes report (traces). Must equal the root package.json's version: test/Version.unit.test.ts compares them. */
export const VERSION = "0.1.0"
