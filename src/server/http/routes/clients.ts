import { z } from "zod";
import { ArchiveClientInput, ArchiveClientResult, Client, ClientDetail, ClientPage, ClientQuery, CreateClientInput, ImportResult, UpdateClientInput, PortalAccount, PortalInviteResult, PortalPasswordInput } from "../../../sdk/schemas/index.js";
import type { Deps } from "../../domain/deps.js";
import { portalReset, portalSignup, sendPortalInvite } from "../../domain/clients/portal.js";
import { addClient, listClients } from "../../domain/clients/service.js";
import { updateClient } from "../../domain/clients/update.js";
import { archiveClient } from "../../domain/clients/archive.js";
import { getClientDetail } from "../../domain/clients/detail.js";
import { importClients } from "../../domain/import/clients.js";
import { csvText } from "../csv-upload.js";
import type { RouteTable } from "../route.js";

export const ImportQuery = z.strictObject({ dryRun: z.enum(["true", "false"]).optional() });

/** A portal link's token, as the per-link limit's account. */
const linkToken = (body: unknown) => {
  const token = (body as { token?: unknown } | null)?.token;
  return typeof token === "string" ? token.slice(0, 200) : undefined;
};

export function clientRoutes(t: RouteTable, deps: Deps): void {
  const tag = "clients";
  t.add({ method: "GET", access: "see", url: "/clients", operationId: "listClients", tag, summary: "List clients by name, one page at a time, filtered by text, state or portal status (audited read)",
    query: ClientQuery, reply: ClientPage, handler: ({ actor, query }) => listClients(deps, actor, query) });
  t.add({ method: "POST", access: "manage", url: "/clients", operationId: "addClient", tag, summary: "Add a client", body: CreateClientInput, reply: Client, status: 201,
    handler: ({ actor, body }) => addClient(deps, actor, body) });
  t.add({ method: "POST", access: "manage", url: "/clients/import", operationId: "importClients", tag, summary: "Import clients from CSV, all or nothing", csv: true, query: ImportQuery,
    reply: ImportResult, problems: [413],
    handler: ({ actor, body, query }) => importClients(deps, actor, csvText(body), ImportQuery.parse(query).dryRun === "true") });
  t.add({ method: "GET", access: "see", url: "/clients/:ref", operationId: "getClient", tag, summary: "One client, by id or email, with their next scheduled appointments (audited read)", reply: ClientDetail,
    handler: ({ actor, params }) => getClientDetail(deps, actor, params.ref!) });
  t.add({ method: "PATCH", access: "manage", url: "/clients/:ref", operationId: "updateClient", problems: [409], tag,
    summary: "Change a client's name, email, state, phone or date of birth (owner or manager; audited)", body: UpdateClientInput, reply: Client,
    handler: ({ actor, params, body }) => updateClient(deps, actor, params.ref!, body) });
  t.add({ method: "POST", access: "manage", url: "/clients/:ref/archive", operationId: "archiveClient", problems: [409], tag,
    summary: "Archive a client: hidden from lists, history kept; refused with upcoming appointments unless cancelUpcoming (owner or manager; audited)",
    body: ArchiveClientInput, reply: ArchiveClientResult, handler: ({ actor, params, body }) => archiveClient(deps, actor, params.ref!, body) });
  t.add({ method: "POST", access: "change", url: "/clients/:ref/invite", operationId: "inviteClient", tag, summary: "Send a portal invite, or a reset link for an existing account (R10, R11)",
    reply: PortalInviteResult, status: 201, handler: ({ actor, params }) => sendPortalInvite(deps, actor, params.ref!) });
  t.add({ method: "POST", access: "public", url: "/portal/signup", operationId: "portalSignup", problems: [422], tag: "portal", public: true, summary: "Create a portal account with an invite link (R10)",
    body: PortalPasswordInput, reply: PortalAccount, limit: { kind: "api_portal", account: linkToken }, handler: ({ actor, body }) => portalSignup(deps, actor, body) });
  t.add({ method: "POST", access: "public", url: "/portal/reset", operationId: "portalReset", problems: [422], tag: "portal", public: true, summary: "Set a new password with a reset link (R11)",
    body: PortalPasswordInput, reply: PortalAccount, limit: { kind: "api_portal", account: linkToken }, handler: ({ actor, body }) => portalReset(deps, actor, body) });
}
