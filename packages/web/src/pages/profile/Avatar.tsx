/**
 * The avatar: shown, and replaced by an image the browser first scales to the largest size it is shown
 * at and re-encodes as PNG, so the upload is small and its type is the one the typed client declares.
 */
import type { UserId } from "@mediaserver/domain"
import { useState } from "preact/hooks"
import { call } from "../../api.js"
import { ErrorLine } from "../../ui/Form.js"

const SIDE = 256

const toPng = async (file: File): Promise<Uint8Array | null> => {
  const bitmap = await createImageBitmap(file).catch(() => null)
  if (bitmap === null) return null
  const scale = Math.min(1, SIDE / Math.max(bitmap.width, bitmap.height))
  const canvas = document.createElement("canvas")
  canvas.width = Math.max(1, Math.round(bitmap.width * scale))
  canvas.height = Math.max(1, Math.round(bitmap.height * scale))
  canvas.getContext("2d")?.drawImage(bitmap, 0, 0, canvas.width, canvas.height)
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, "image/png"))
  return blob === null ? null : new Uint8Array(await blob.arrayBuffer())
}

export const Avatar = (props: { readonly userId: UserId }) => {
  const [version, setVersion] = useState(0)
  const [error, setError] = useState<string | null>(null)
  const upload = async (file: File) => {
    setError(null)
    const png = await toPng(file)
    if (png === null) return setError("That file is not an image this browser can read.")
    const result = await call((api) => api.users.uploadAvatar({ payload: png }))
    if (result.ok) setVersion((n) => n + 1)
    else setError(result.error.message)
  }
  return (
    <section class="panel" aria-labelledby="avatar">
      <h2 id="avatar">Avatar</h2>
      <img class="avatar" src={`/api/v1/users/${props.userId}/avatar?v=${version}`} alt="Your avatar" width={96} height={96} />
      <label class="file">Choose an image{" "}
        <input type="file" accept="image/*" onChange={(e) => { const f = e.currentTarget.files?.[0]; if (f !== undefined) void upload(f) }} />
      </label>
      <ErrorLine message={error} />
    </section>
  )
}
