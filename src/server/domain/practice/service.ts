import { CreatePracticeInput, UpdatePracticeInput, type InitResult, type Practice } from "../../../sdk/schemas/index.js";
import type { PracticeChange } from "../../db/repos.js";
import type { PracticeRow, StaffRow } from "../../db/types.js";
import { audit } from "../audit/audit.js";
import type { Actor, Deps } from "../deps.js";
import { forbidden, notFound } from "../errors.js";
import { hashSecret, newId, newSecret, sameSecret } from "../shared/crypto.js";
import { MANAGERS, requireStaff } from "../shared/permissions.js";
import { practiceView, staffView } from "../shared/views.js";

/** A URL-safe slug from a practice's name: "Maple Street Therapy" → "maple-street-therapy". */
export function slugify(name: string): string {
  const s = name.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
  return (s || "practice").slice(0, 40).replace(/-+$/, "");
}

/** Creates a practice, its owner and the owner's first API token, in one transaction. */
export async function createPractice(deps: Deps, actor: Actor, input: unknown): Promise<InitResult> {
  const v = CreatePracticeInput.parse(input);
  const now = deps.clock();
  return deps.store.tx(async (r) => {
    let slug = v.slug ?? slugify(v.name);
    for (let n = 2; await r.practices.bySlug(slug); n++) slug = `${v.slug ?? slugify(v.name)}-${n}`;
    const practice: PracticeRow = {
      id: newId("prc"), name: v.name, slug, state: v.state, timeZone: v.timeZone,
      joinWindowMinutes: 15, autoCompleteMinutes: 60, contact: v.contact ?? null, licensure: "warn", reminderMinutes: [1440, 60], createdAt: now,
    };
    await r.practices.insert(practice);
    const owner: StaffRow = {
      id: newId("stf"), practiceId: practice.id, name: v.ownerName, email: v.ownerEmail,
      roles: ["owner"], teletherapy: false, createdAt: now, deactivatedAt: null,
    };
    await r.staff.insert(owner);
    const token = newSecret("tele_");
    await r.tokens.insert({ id: newId("tok"), practiceId: practice.id, staffId: owner.id, tokenHash: hashSecret(token), createdBy: null, createdAt: now });
    await audit(r, actor, now, practice.id, "practice.create", { type: "practice", id: practice.id }, { ownerId: owner.id });
    const view = practiceView(practice, deps.config.publicUrl);
    return { practice: view, owner: staffView(owner), token, portalUrl: view.portalUrl };
  });
}

/** The signed-in staff member's practice. */
export async function getPractice(deps: Deps, actor: Actor): Promise<Practice> {
  const a = requireStaff(actor);
  const p = await deps.store.practices.byId(a.practiceId);
  if (!p) throw notFound("practice", a.practiceId);
  return practiceView(p, deps.config.publicUrl);
}

/**
 * Changes the practice's settings (owner or manager): its name, time zone (IANA), contact (which
 * clients see when video cannot start), join window (R13, 0–120 minutes) and auto-complete delay
 * (R18, 5–1440 minutes) and licensure rule (R25: off, warn, refuse) and reminders (R23, minutes before the start). Only the settings given change; the audit row names the fields that
 * changed; nothing changed, nothing is written. Times already scheduled are instants: a new time
 * zone changes how they are shown and how new local times are read, not when they are.
 */
export async function updatePractice(deps: Deps, actor: Actor, input: unknown): Promise<Practice> {
  const a = requireStaff(actor, ...MANAGERS);
  const v = UpdatePracticeInput.parse(input);
  const now = deps.clock();
  return deps.store.tx(async (r) => {
    const p = await r.practices.byId(a.practiceId);
    if (!p) throw notFound("practice", a.practiceId);
    const change: PracticeChange = {};
    for (const k of ["name", "timeZone", "contact", "joinWindowMinutes", "autoCompleteMinutes", "licensure"] as const) {
      if (v[k] !== undefined && v[k] !== (p[k] ?? (k === "licensure" ? "warn" : undefined))) (change as Record<string, unknown>)[k] = v[k];
    }
    if (v.reminderMinutes && v.reminderMinutes.join() !== p.reminderMinutes.join()) change.reminderMinutes = v.reminderMinutes;
    const fields = Object.keys(change);
    if (fields.length === 0) return practiceView(p, deps.config.publicUrl);
    await r.practices.update(p.id, change);
    await audit(r, a, now, p.id, "practice.update", { type: "practice", id: p.id }, { fields });
    return practiceView({ ...p, ...change }, deps.config.publicUrl);
  });
}

/** Checks the server's setup token, which alone may create practices over HTTP. */
export function checkSetupToken(deps: Deps, given: string | undefined): void {
  const expected = deps.config.setupToken;
  if (!expected || !given || !sameSecret(given, expected)) {
    throw forbidden("creating a practice over HTTP needs the server's setup token (TELE_SETUP_TOKEN)");
  }
}
