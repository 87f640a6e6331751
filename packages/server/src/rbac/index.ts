/** RBAC: roles, permissions, a user's roles; the cached enforcement the Authenticator reads. */
export { Enforcer } from "./Enforcer.js"
export { RbacHttpLive } from "./Http.js"
export { RbacRepo } from "./Repo.js"
export { RbacRpcLive } from "./Rpc.js"
export { Rbac } from "./Service.js"
