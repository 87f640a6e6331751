import { Schema } from "effect"

/**
 * The window of a listing, as services and RPC take it. Every list pages by `limit` and `offset`, as
 * the content lists do; `page` (from 1) and `pageSize` are the older form, still accepted.
 */
export const pageFields = {
  limit: Schema.optional(Schema.Int.pipe(Schema.between(1, 200))),
  offset: Schema.optional(Schema.Int.pipe(Schema.greaterThanOrEqualTo(0))),
  page: Schema.optional(Schema.Int.pipe(Schema.greaterThanOrEqualTo(1))),
  pageSize: Schema.optional(Schema.Int.pipe(Schema.between(1, 200)))
}

const urlInt = (min: number, max: number, description: string) =>
  Schema.optional(Schema.NumberFromString.pipe(Schema.int(), Schema.between(min, max))).annotations({ description })

/** The same as URL parameters (numbers arrive as strings). */
export const pageUrlFields = {
  limit: urlInt(1, 200, "How many items to answer, 1-200."),
  offset: urlInt(0, Number.MAX_SAFE_INTEGER, "How many items to skip."),
  page: urlInt(1, Number.MAX_SAFE_INTEGER, "The older form, still accepted: the page number, from 1 (use `offset`)."),
  pageSize: urlInt(1, 200, "The older form, still accepted: the page size, 1-200 (use `limit`).")
}

/** What every listing answers besides its items: its window in both forms, and the total. */
export const pageResultFields = {
  limit: Schema.Number,
  offset: Schema.Number,
  page: Schema.Number,
  pageSize: Schema.Number,
  total: Schema.Number
}

export interface PageWindow {
  readonly limit: number
  readonly offset: number
  readonly page: number
  readonly pageSize: number
}

/** The window a request asks for: `limit`/`offset` first, else `page`/`pageSize`, else the first `defaultSize` items. */
export const pageWindow = (
  params: { readonly limit?: number | undefined; readonly offset?: number | undefined; readonly page?: number | undefined; readonly pageSize?: number | undefined },
  defaultSize: number
): PageWindow => {
  const limit = params.limit ?? params.pageSize ?? defaultSize
  const offset = params.offset ?? ((params.page ?? 1) - 1) * limit
  return { limit, offset, page: Math.floor(offset / limit) + 1, pageSize: limit }
}
