/** The system area's entry: node facts, media tools, and how background work shares the node with requests. */
export { makeRequestsFirst, RequestPriority, type RequestPriorityShape } from "./RequestPriority.js"
