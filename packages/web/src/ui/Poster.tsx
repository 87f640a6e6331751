/**
 * A poster card: 2:3 image from the images pipeline with a srcset, so the browser fetches the width its
 * slot needs (WebP/AVIF when it accepts them); lazy below the fold; the box keeps its ratio before the
 * image arrives, so nothing shifts.
 */
import { imageUrl } from "../api.js"

const POSTER_WIDTHS = [["w154", 154], ["w185", 185], ["w342", 342], ["w500", 500]] as const
const STILL_WIDTHS = [["w300", 300], ["w780", 780]] as const

export const posterSrcSet = (path: string) => POSTER_WIDTHS.map(([size, w]) => `${imageUrl("poster", size, path)} ${w}w`).join(", ")

export const Poster = (props: {
  readonly href: string
  readonly title: string
  readonly subtitle?: string | null
  readonly path: string | null
  readonly progress?: number | null
  readonly watched?: boolean
  readonly eager?: boolean
}) => (
  <a class="card" href={props.href}>
    <span class="poster">
      {props.path === null ? (
        <span class="placeholder" aria-hidden="true">{props.title.slice(0, 1)}</span>
      ) : (
        <img
          src={imageUrl("poster", "w185", props.path)}
          srcset={posterSrcSet(props.path)}
          sizes="(max-width: 600px) 45vw, 180px"
          width={185}
          height={278}
          alt=""
          loading={props.eager === true ? "eager" : "lazy"}
          decoding="async"
        />
      )}
      {props.watched === true ? <span class="tick" aria-label="Watched">✓</span> : null}
      {props.progress !== undefined && props.progress !== null && props.progress > 0 ? (
        <span class="bar" aria-hidden="true"><span style={{ width: `${Math.min(100, props.progress)}%` }} /></span>
      ) : null}
    </span>
    <span class="title">{props.title}</span>
    {props.subtitle === undefined || props.subtitle === null ? null : <span class="sub">{props.subtitle}</span>}
  </a>
)

/** An episode still (16:9) at the width its slot needs. */
export const Still = (props: { readonly path: string | null; readonly alt?: string }) =>
  props.path === null ? (
    <span class="still placeholder" aria-hidden="true" />
  ) : (
    <img
      class="still"
      src={imageUrl("still", "w300", props.path)}
      srcset={STILL_WIDTHS.map(([size, w]) => `${imageUrl("still", size, props.path ?? "")} ${w}w`).join(", ")}
      sizes="240px"
      width={240}
      height={135}
      alt={props.alt ?? ""}
      loading="lazy"
      decoding="async"
    />
  )
