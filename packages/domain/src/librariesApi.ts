/**
 * Libraries over REST and RPC: CRUD (admin), per-user permissions (admin), scans (admin or a user
 * with manage access), and the LibraryScan entity protocol (one scan per library across the cluster).
 */
import { Entity } from "@effect/cluster"
import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema } from "@effect/platform"
import { Rpc, RpcGroup } from "@effect/rpc"
import { Schema } from "effect"
import {
  Conflict,
  Forbidden,
  HttpConflict,
  HttpForbidden,
  HttpNotFound,
  HttpUnavailable,
  HttpUnprocessable,
  NotFound,
  Unavailable,
  Unprocessable
} from "./errors.js"
import { Authentication, RpcAuthentication, UserId } from "./identity.js"
import {
  CreateLibraryRequest,
  GrantLibraryPermissionRequest,
  Library,
  LibraryId,
  LibraryPermission,
  LibraryScan,
  ScanTrigger,
  UpdateLibraryRequest
} from "./libraries.js"
import { pageFields, pageResultFields, pageUrlFields } from "./paging.js"
import { about, doc } from "./apiDocs.js"

export class LibraryScansPage extends Schema.Class<LibraryScansPage>("LibraryScansPage")({
  items: Schema.Array(LibraryScan),
  ...pageResultFields
}) {}

const libraryPath = Schema.Struct({ libraryId: LibraryId })
const permissionPath = Schema.Struct({ libraryId: LibraryId, userId: UserId })

export class LibrariesApi extends HttpApiGroup.make("libraries")
  .annotateContext(about("Media libraries (folders of movies or series): create and configure them (admin), scan them, and grant users access."))
  .add(
    HttpApiEndpoint.get("list", "/libraries").addSuccess(Schema.Array(Library))
      .annotateContext(doc("List libraries", "The libraries the caller may see, with their kind, folders and scan settings."))
  )
  .add(
    HttpApiEndpoint.post("create", "/libraries")
      .setPayload(CreateLibraryRequest)
      .addSuccess(Library, { status: 201 })
      .addError(HttpConflict)
      .addError(HttpUnprocessable)
      .annotateContext(doc("Create a library", "Adds a library of movies or series from one or more folders; scan it with `POST /libraries/{libraryId}/scan`, or let its schedule do it. 409 when the name is taken, 422 when a folder cannot be read."))
  )
  .add(
    HttpApiEndpoint.get("get", "/libraries/:libraryId").setPath(libraryPath).addSuccess(Library)
      .annotateContext(doc("Get a library", "One library the caller may see."))
  )
  .add(
    HttpApiEndpoint.put("update", "/libraries/:libraryId")
      .setPath(libraryPath)
      .setPayload(UpdateLibraryRequest)
      .addSuccess(Library)
      .addError(HttpConflict)
      .addError(HttpUnprocessable)
      .annotateContext(doc("Update a library", "Changes a library's name, folders or scan settings."))
  )
  .add(
    HttpApiEndpoint.del("delete", "/libraries/:libraryId").setPath(libraryPath).addSuccess(HttpApiSchema.NoContent)
      .annotateContext(doc("Delete a library", "Removes a library and its content from the catalogue; the files on disk are not touched."))
  )
  .add(
    HttpApiEndpoint.post("scan", "/libraries/:libraryId/scan")
      .setPath(libraryPath)
      .addSuccess(LibraryScan, { status: 202 })
      .annotateContext(doc("Scan a library", "Starts a scan of the library (202), or answers the one running: one scan per library across the cluster."))
  )
  .add(
    HttpApiEndpoint.del("cancelScan", "/libraries/:libraryId/scan")
      .setPath(libraryPath)
      .addSuccess(HttpApiSchema.NoContent)
      .addError(HttpConflict)
      .annotateContext(doc("Cancel a scan", "Cancels the library's running scan. 409 when none is running."))
  )
  .add(
    HttpApiEndpoint.get("scans", "/libraries/:libraryId/scans")
      .setPath(libraryPath)
      .setUrlParams(Schema.Struct(pageUrlFields))
      .addSuccess(LibraryScansPage)
      .annotateContext(doc("List a library's scans", "The library's scans, newest first, with their trigger, state and counts. Pages with `limit`/`offset` like every other list (`page`/`pageSize` are still accepted)."))
  )
  .add(
    HttpApiEndpoint.get("permissions", "/libraries/:libraryId/permissions")
      .setPath(libraryPath)
      .addSuccess(Schema.Array(LibraryPermission))
      .annotateContext(doc("List library permissions", "Which users may see or manage the library."))
  )
  .add(
    HttpApiEndpoint.post("grant", "/libraries/:libraryId/permissions")
      .setPath(libraryPath)
      .setPayload(GrantLibraryPermissionRequest)
      .addSuccess(LibraryPermission)
      .annotateContext(doc("Grant library access", "Lets a user see (or manage) the library; replaces the user's earlier grant."))
  )
  .add(
    HttpApiEndpoint.del("revoke", "/libraries/:libraryId/permissions/:userId")
      .setPath(permissionPath)
      .addSuccess(HttpApiSchema.NoContent)
      .annotateContext(doc("Revoke library access", "Takes the user's access to the library away."))
  )
  .middleware(Authentication)
  .addError(HttpNotFound)
  .addError(HttpForbidden)
  .addError(HttpUnavailable) {}

const ById = Schema.Struct({ libraryId: LibraryId })
const Errors = Schema.Union(Forbidden, NotFound, Unavailable)

export class LibraryRpcs extends RpcGroup.make(
  Rpc.make("LibrariesList", { success: Schema.Array(Library), error: Schema.Union(Forbidden, Unavailable) }),
  Rpc.make("LibrariesGet", { payload: ById, success: Library, error: Errors }),
  Rpc.make("LibrariesCreate", {
    payload: CreateLibraryRequest,
    success: Library,
    error: Schema.Union(Forbidden, Conflict, Unprocessable, Unavailable)
  }),
  Rpc.make("LibrariesUpdate", {
    payload: Schema.Struct({ libraryId: LibraryId, update: UpdateLibraryRequest }),
    success: Library,
    error: Schema.Union(Forbidden, NotFound, Conflict, Unprocessable, Unavailable)
  }),
  Rpc.make("LibrariesDelete", { payload: ById, error: Errors }),
  Rpc.make("LibrariesScan", { payload: ById, success: LibraryScan, error: Errors }),
  Rpc.make("LibrariesCancelScan", { payload: ById, success: LibraryScan, error: Schema.Union(Forbidden, NotFound, Conflict, Unavailable) }),
  Rpc.make("LibrariesScans", {
    payload: Schema.Struct({ libraryId: LibraryId, ...pageFields }),
    success: LibraryScansPage,
    error: Errors
  }),
  /** The library's latest scan, once a second, until it is no longer running. */
  Rpc.make("LibrariesWatchScan", { payload: ById, success: LibraryScan, error: Errors, stream: true }),
  Rpc.make("LibrariesPermissions", { payload: ById, success: Schema.Array(LibraryPermission), error: Errors }),
  Rpc.make("LibrariesGrant", {
    payload: Schema.Struct({ libraryId: LibraryId, grant: GrantLibraryPermissionRequest }),
    success: LibraryPermission,
    error: Errors
  }),
  Rpc.make("LibrariesRevoke", { payload: Schema.Struct({ libraryId: LibraryId, userId: UserId }), error: Errors })
).middleware(RpcAuthentication) {}

/**
 * One entity per library (id = library id): its messages are handled one at a time on one runner,
 * so two triggers never start two scans. `Start` answers the running scan if there is one.
 */
export const LibraryScanEntity = Entity.make("LibraryScan", [
  Rpc.make("Start", {
    payload: Schema.Struct({ trigger: ScanTrigger }),
    success: LibraryScan,
    error: Schema.Union(NotFound, Unavailable)
  }),
  Rpc.make("Cancel", { success: LibraryScan, error: Schema.Union(NotFound, Conflict, Unavailable) })
])
