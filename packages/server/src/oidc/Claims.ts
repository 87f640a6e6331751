/** The ID token claims a provider's mapping points at: username, email, groups (and sub, name). */
import type { ClaimMapping } from "@mediaserver/domain"

export interface MappedClaims {
  readonly subject: string
  readonly username: string | null
  readonly email: string | null
  readonly name: string | null
  readonly groups: ReadonlyArray<string>
}

const text = (value: unknown): string | null => (typeof value === "string" && value !== "" ? value : null)

export const claimsOf = (claims: { readonly sub: string; readonly [claim: string]: unknown }, mapping: ClaimMapping): MappedClaims => {
  const groups = claims[mapping.groups]
  return {
    subject: claims.sub,
    username: text(claims[mapping.username]),
    email: text(claims[mapping.email]),
    name: text(claims["name"]),
    groups: Array.isArray(groups) ? groups.filter((g): g is string => typeof g === "string") : typeof groups === "string" ? [groups] : []
  }
}

/** A valid username (see domain Username) from the username claim, else the email's local part. */
export const usernameFrom = (claims: MappedClaims): string => {
  const raw = claims.username ?? claims.email?.split("@")[0] ?? "user"
  const cleaned = raw.replace(/[^A-Za-z0-9._-]/g, "-").replace(/^[^A-Za-z0-9]+/, "").slice(0, 32)
  return cleaned.length >= 3 ? cleaned : `${cleaned}user`.slice(0, 32).padEnd(3, "0")
}
