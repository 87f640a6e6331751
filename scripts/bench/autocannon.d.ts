/**
 * The part of autocannon 8's programmatic API the benchmarks use (the package ships no types).
 * Source: node_modules/autocannon/lib/{init,run,aggregateResult}.js and hdr-histogram-percentiles-obj.
 */
declare module "autocannon" {
  import type { EventEmitter } from "node:events"

  namespace autocannon {
    interface WarmupOptions {
      readonly connections?: number
      /** Seconds. */
      readonly duration?: number
    }

    interface Options {
      readonly url: string
      readonly connections?: number
      /** Seconds. */
      readonly duration?: number
      readonly pipelining?: number
      /** Seconds before a request times out. */
      readonly timeout?: number
      readonly method?: "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "HEAD" | "OPTIONS"
      readonly headers?: Readonly<Record<string, string>>
      /** Requests per second across all connections (default: as fast as possible). */
      readonly overallRate?: number
      readonly body?: string
      readonly title?: string
      /** Sent in turn by every connection (paths relative to `url`'s origin). */
      readonly requests?: ReadonlyArray<{
        readonly method?: Options["method"]
        readonly path: string
        readonly headers?: Readonly<Record<string, string>>
      }>
      /** A run without sampling first; the result describes the main run only. */
      readonly warmup?: WarmupOptions
    }

    /** `histAsObj` + `addPercentiles` of hdr-histogram-percentiles-obj. */
    interface Histogram {
      readonly average: number
      readonly mean: number
      readonly stddev: number
      readonly min: number
      readonly max: number
      readonly p1: number
      readonly p2_5: number
      readonly p10: number
      readonly p25: number
      readonly p50: number
      readonly p75: number
      readonly p90: number
      readonly p97_5: number
      readonly p99: number
      readonly p99_9: number
    }

    interface Result {
      readonly title?: string
      readonly url: string
      readonly connections: number
      readonly pipelining: number
      /** Seconds (the measured run, not the warm-up). */
      readonly duration: number
      readonly samples: number
      readonly errors: number
      readonly timeouts: number
      readonly mismatches: number
      readonly non2xx: number
      readonly resets: number
      readonly "1xx": number
      readonly "2xx": number
      readonly "3xx": number
      readonly "4xx": number
      readonly "5xx": number
      /** Milliseconds per request. */
      readonly latency: Histogram & { readonly totalCount: number }
      /** Requests per one-second sample; `total` is all completed requests, `sent` all sent. */
      readonly requests: Histogram & { readonly total: number; readonly sent: number }
      /** Bytes per one-second sample. */
      readonly throughput: Histogram & { readonly total: number }
      /** The warm-up run's result, when `warmup` was given. */
      readonly warmup?: Result
    }

    /** The returned tracker is an EventEmitter that is also a promise of the result. */
    interface Instance extends EventEmitter, PromiseLike<Result> {}
  }

  function autocannon(options: autocannon.Options): autocannon.Instance

  export = autocannon
}
