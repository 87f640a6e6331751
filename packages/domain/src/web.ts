/**
 * What the web client needs before anyone signs in: embedded by the server in the client's index.html
 * (as JSON in `<script id="bootstrap">`), so the first paint needs no extra request.
 */
import { Schema } from "effect"

export class WebBootstrap extends Schema.Class<WebBootstrap>("WebBootstrap")({
  /** No account exists yet: the client shows the screen that creates the admin. */
  firstRun: Schema.Boolean,
  /** Anyone may register (the server setting general.registrationOpen, or the first run). */
  registrationOpen: Schema.Boolean
}) {}

/** The element id of the bootstrap JSON in index.html. */
export const WEB_BOOTSTRAP_ID = "bootstrap"
