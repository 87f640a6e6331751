/**
 * What the OpenAPI document (and so the docs page at /api/docs) says of the API, in one shape for every
 * group and operation: written for a client developer, next to the definition it explains.
 */
import { OpenApi } from "@effect/platform"

/**
 * An operation: a short summary (its line in the list) and a description (what it does, when it fails);
 * `deprecated` marks one kept only for older clients (the description names its replacement).
 */
export const doc = (summary: string, description: string, options?: { readonly deprecated?: boolean }) =>
  OpenApi.annotations({ summary, description, ...options })

/** A group: the description of its tag. */
export const about = (description: string) => OpenApi.annotations({ description })
