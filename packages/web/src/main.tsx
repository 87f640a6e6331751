import { render } from "preact"
import { App } from "./App.js"
import { applyRememberedTheme } from "./theme.js"

applyRememberedTheme()
const root = document.getElementById("app")
if (root !== null) render(<App />, root)
