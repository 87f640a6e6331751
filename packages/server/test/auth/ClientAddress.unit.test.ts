/** The client behind our proxies: the right-most forwarded address that is not one of them. */
import { HttpServerRequest } from "@effect/platform"
import { describe, expect, it } from "vitest"
import { clientAddress, proxyTrust } from "../../src/auth/ClientInfo.js"

const from = (peer: string, headers: Record<string, string>) =>
  HttpServerRequest.fromWeb(new Request("http://node/api/v1/auth/login", { headers })).modify({ remoteAddress: peer })

describe("client address", () => {
  const trust = proxyTrust({ authTrustProxy: false, authTrustedProxies: ["10.0.0.0/8", "fd00::/8", "192.0.2.7"] })

  it("takes the right-most address not among the trusted proxies", () => {
    expect(clientAddress(from("10.0.0.2", { "x-forwarded-for": "6.6.6.6, 203.0.113.9, 10.1.2.3" }), trust)).toBe("203.0.113.9")
    expect(clientAddress(from("::ffff:10.0.0.2", { "x-forwarded-for": "203.0.113.9, 192.0.2.7" }), trust)).toBe("203.0.113.9")
    expect(clientAddress(from("fd00::1", { "x-real-ip": "198.51.100.4" }), trust)).toBe("198.51.100.4")
    // Every hop is ours: the left-most one.
    expect(clientAddress(from("10.0.0.2", { "x-forwarded-for": "10.9.9.9, 10.1.1.1" }), trust)).toBe("10.9.9.9")
    // No (usable) header: the proxy itself.
    expect(clientAddress(from("10.0.0.2", { "x-forwarded-for": "not an address" }), trust)).toBe("10.0.0.2")
  })

  it("ignores forwarding headers from anyone else", () => {
    expect(clientAddress(from("203.0.113.9", { "x-forwarded-for": "1.2.3.4" }), trust)).toBe("203.0.113.9")
    expect(clientAddress(from("203.0.113.9", { "x-real-ip": "1.2.3.4" }), trust)).toBe("203.0.113.9")
  })

  it("AUTH_TRUST_PROXY alone trusts the peer, as before", () => {
    const one = proxyTrust({ authTrustProxy: true, authTrustedProxies: [] })
    expect(clientAddress(from("127.0.0.1", { "x-forwarded-for": "6.6.6.6, 203.0.113.9" }), one)).toBe("203.0.113.9")
  })
})
