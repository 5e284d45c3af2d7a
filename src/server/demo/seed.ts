import type { InitResult } from "../../sdk/schemas/index.js";
import { createAppointment } from "../domain/appointments/service.js";
import { addClient } from "../domain/clients/service.js";
import { sendPortalInvite } from "../domain/clients/portal.js";
import type { Actor, Deps } from "../domain/deps.js";
import { createPractice } from "../domain/practice/service.js";
import { addStaff, enableTeletherapy } from "../domain/staff/service.js";
import { localDateInZone } from "../../sdk/schemas/time.js";
import { seedDemoSession, type DemoSession } from "./session.js";

const ZONE = "America/New_York";
/** The demo practice's slug: `tele demo` has `/` link its portal and staff sign-in. */
export const DEMO_SLUG = "lakeside-demo";

/**
 * A demo practice: owner, manager, two therapists (one with Teletherapy), a biller, clients in and
 * outside the U.S., and appointments over the next two weeks, some of them telehealth.
 * Everything goes through the same services as real use, so the demo's audit log is real too.
 * Avery (a portal account) and Dr. Nguyen sign in with known passwords and have a session open now.
 */
export async function seedDemo(deps: Deps): Promise<InitResult & { staff: Record<string, string>; clients: string[]; session: DemoSession }> {
  const init = await createPractice(deps, { kind: "anonymous", ip: null, requestId: null }, {
    name: "Lakeside Counseling (demo)", slug: DEMO_SLUG, state: "NY", timeZone: ZONE,
    ownerName: "Olivia Owner", ownerEmail: "owner@lakeside.example",
    contact: "(555) 010-0199", // 555-0100 to 0199: reserved for fiction
  });
  const owner = (await deps.store.staff.byId(init.practice.id, init.owner.id))!;
  const actor: Actor = { kind: "staff", practiceId: init.practice.id, staff: owner, ip: null, requestId: null };
  const staff: Record<string, string> = { owner: owner.id };
  for (const [key, name, email, roles] of [
    ["manager", "Marcus Manager", "manager@lakeside.example", ["manager"]],
    ["therapist", "Dr. Tara Nguyen", "tara@lakeside.example", ["therapist"]],
    ["therapist2", "Dr. Sam Ortiz", "sam@lakeside.example", ["therapist"]],
    ["biller", "Beth Biller", "billing@lakeside.example", ["biller"]],
  ] as const) {
    staff[key] = (await addStaff(deps, actor, { name, email, roles: [...roles] })).id;
  }
  await enableTeletherapy(deps, actor, staff.therapist!);
  const clients: string[] = [];
  for (const [name, email, state] of [
    ["Avery Example", "avery@client.example", "NY"],
    ["Blake Example", "blake@client.example", "NJ"],
    ["Casey Example", "casey@client.example", "PR"],
    ["Devon Example", null, "CT"],
    ["Emery Example", "emery@client.example", null],
    ["Finley Example", "finley@client.example", "CA"],
  ] as const) {
    clients.push((await addClient(deps, actor, { name, email, state })).id);
  }
  const today = localDateInZone(deps.clock(), ZONE);
  const day = (n: number) => new Date(Date.parse(`${today}T12:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
  const plan: [number, string, string, number, boolean][] = [];
  for (let d = 1; d <= 14; d++) {
    plan.push([d, "09:00", staff.therapist!, d % clients.length, d % 2 === 0]);
    plan.push([d, "14:30", staff.therapist2!, (d + 3) % clients.length, false]);
  }
  for (const [d, time, therapist, c, telehealth] of plan) {
    const client = clients[c]!;
    const eligible = !telehealth || c !== 4; // Emery lives outside the U.S. (R4)
    await createAppointment(deps, actor, { therapist, client, start: `${day(d)}T${time}`, durationMinutes: 50, telehealth: telehealth && eligible, notify: false }); // example data: no confirmations (R23)
  }
  await sendPortalInvite(deps, actor, clients[0]!);
  const session = await seedDemoSession(deps, actor, init.practice,
    { id: clients[0]!, email: "avery@client.example" }, { id: staff.therapist!, email: "tara@lakeside.example" });
  return { ...init, staff, clients, session };
}
