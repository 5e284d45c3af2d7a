import {
  ApiToken, ApiTokenList, CreateStaffInput, Deactivation, TokenRevocation, DisableTeletherapyInput, Staff, StaffInviteResult, StaffPage, StaffQuery, TeletherapyChange, UpdateStaffInput, WhoAmI,
} from "../../../sdk/schemas/index.js";
import type { Deps } from "../../domain/deps.js";
import { getPractice } from "../../domain/practice/service.js";
import { addStaff, createApiToken, disableTeletherapy, enableTeletherapy, getStaff, listStaff } from "../../domain/staff/service.js";
import { staffView } from "../../domain/shared/views.js";
import { deactivateStaff, listTokens, revokeToken } from "../../domain/staff/deactivate.js";
import { updateStaff } from "../../domain/staff/update.js";
import { sendStaffInvite } from "../../domain/staff/web.js";
import { revokeOwnToken } from "../../domain/staff/logout.js";
import { bearer } from "../auth.js";
import type { RouteTable } from "../route.js";

export function staffRoutes(t: RouteTable, deps: Deps): void {
  const tag = "staff";
  t.add({ method: "GET", access: "self", url: "/me", operationId: "getMe", tag, summary: "The signed-in staff member and their practice", reply: WhoAmI,
    handler: async ({ actor }) => ({ staff: actor.kind === "staff" ? staffView(actor.staff) : null, practice: await getPractice(deps, actor) }) });
  // `tele logout` (issue 10): any staff member revokes the token this request was signed with.
  t.add({ method: "POST", access: "self", url: "/me/token/revoke", operationId: "revokeOwnToken", tag, summary: "Revoke the API token that signs this request (sign out)",
    reply: TokenRevocation, handler: ({ actor, req }) => revokeOwnToken(deps, actor, bearer(req)) });
  t.add({ method: "GET", access: "see", url: "/staff", operationId: "listStaff", tag, summary: "List staff by name, one page at a time", query: StaffQuery, reply: StaffPage,
    handler: ({ actor, query }) => listStaff(deps, actor, query) });
  t.add({ method: "POST", access: "manage", url: "/staff", operationId: "addStaff", tag, summary: "Add a staff member", body: CreateStaffInput, reply: Staff, status: 201,
    handler: ({ actor, body }) => addStaff(deps, actor, body) });
  t.add({ method: "GET", access: "see", url: "/staff/:ref", operationId: "getStaff", tag, summary: "One staff member, by id or email", reply: Staff,
    handler: ({ actor, params }) => getStaff(deps, actor, params.ref!) });
  t.add({ method: "PATCH", access: "manage", url: "/staff/:ref", operationId: "updateStaff", problems: [409], tag,
    summary: "Change a staff member's name, email or roles (owner or manager; only an owner for the owner role)", body: UpdateStaffInput, reply: Staff,
    handler: ({ actor, params, body }) => updateStaff(deps, actor, params.ref!, body) });
  t.add({ method: "POST", access: "manage", url: "/staff/:ref/teletherapy/enable", operationId: "enableTeletherapy", tag, summary: "Enable Teletherapy (R2)", reply: TeletherapyChange,
    handler: ({ actor, params }) => enableTeletherapy(deps, actor, params.ref!) });
  t.add({ method: "POST", access: "manage", url: "/staff/:ref/teletherapy/disable", operationId: "disableTeletherapy", tag, summary: "Disable Teletherapy (R2, R3)", body: DisableTeletherapyInput,
    reply: TeletherapyChange, handler: ({ actor, params, body }) => disableTeletherapy(deps, actor, params.ref!, body) });
  t.add({ method: "POST", access: "manage", url: "/staff/:ref/tokens", operationId: "createStaffToken", tag, summary: "Mint an API token (shown once)", reply: ApiToken, status: 201, secretReply: true,
    handler: ({ actor, params }) => createApiToken(deps, actor, params.ref!) });
  t.add({ method: "POST", access: "manage", url: "/staff/:ref/invite", operationId: "inviteStaff", tag, summary: "Email a fresh staff invite to set a browser password (1 hour, single use)",
    reply: StaffInviteResult, status: 201, handler: ({ actor, params }) => sendStaffInvite(deps, actor, params.ref!) });
  t.add({ method: "GET", access: "manage", url: "/staff/:ref/tokens", operationId: "listStaffTokens", tag, summary: "A staff member's API tokens: ids and times, never the tokens",
    reply: ApiTokenList, handler: ({ actor, params }) => listTokens(deps, actor, params.ref!) });
  t.add({ method: "POST", access: "manage", url: "/staff/:ref/deactivate", operationId: "deactivateStaff", tag,
    summary: "Cut a staff member off: tokens revoked, browser sessions ended, links dead, history kept (not the last owner)",
    reply: Deactivation, handler: ({ actor, params }) => deactivateStaff(deps, actor, params.ref!) });
  t.add({ method: "POST", access: "manage", url: "/tokens/:id/revoke", operationId: "revokeStaffToken", tag, summary: "Revoke one API token by its id", reply: TokenRevocation,
    handler: ({ actor, params }) => revokeToken(deps, actor, params.id!) });
}
