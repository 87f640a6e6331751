/** Kept in step with package.json's version by the release script. */
export const VERSION = "0.1.0"
