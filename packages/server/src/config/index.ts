/** The node's configuration, read once from the environment. */
export { AppConfig, type AppConfigShape, formatConfigError, isEmbedded } from "./AppConfig.js"
