/** Settings by key: server settings (admin) and user settings, typed per key, cached listings. */
import { Layer } from "effect"
import { SettingsRepo } from "./Repo.js"
import { Settings } from "./Service.js"

export { SettingsHttpLive } from "./Http.js"
export { SettingsRpcLive } from "./Rpc.js"
export { Settings } from "./Service.js"

export const SettingsLive = Settings.layer.pipe(Layer.provideMerge(SettingsRepo.layer))
