/** RPC handlers of the integration group: the operations of Operations.ts as they are. */
import { IntegrationRpcs } from "@mediaserver/domain"
import { makeIntegrationOperations } from "./Operations.js"

export const IntegrationsRpcLive = IntegrationRpcs.toLayer(makeIntegrationOperations)
