/**
 * Editing a staff member (`updateStaff`): the service on an in-memory database with a fixed clock,
 * each rule (who may, the owner role, the last owner, a unique email, the therapist role under
 * Teletherapy with R3) and its audit row. The route is in the access matrix.
 */
import { describe, expect, it } from "vitest";
import { addStaff, getStaff } from "../../src/server/domain/staff/service.js";
import { updateStaff } from "../../src/server/domain/staff/update.js";
import { deactivateStaff } from "../../src/server/domain/staff/deactivate.js";
import { auditRows, book, makeWorld, refusal, setStatus, snapshot } from "../helpers/server.js";
import { asStaff, idOf } from "../helpers/world.js";

describe("updateStaff (service)", () => {
  it("a manager renames and re-roles a therapist; one audit row names the fields and the role sets", async () => {
    const w = await makeWorld();
    const theo = idOf(w.p.theo);
    const s = await updateStaff(w.deps, w.p.manager, "theo@maple.test", { name: " Theo T ", email: "Theo.T@maple.test", roles: ["therapist", "biller", "biller"] });
    expect(s).toMatchObject({ id: theo, name: "Theo T", email: "theo.t@maple.test", roles: ["therapist", "biller"] });
    expect(await getStaff(w.deps, w.p.owner, "theo.t@maple.test")).toEqual(s);
    const [row, ...more] = auditRows(w.store, "staff.update");
    expect(more).toEqual([]);
    expect(row).toMatchObject({ actor_id: idOf(w.p.manager), record_type: "staff", record_id: theo });
    expect(JSON.parse(row!.details!)).toEqual({ fields: ["name", "email", "roles"], rolesBefore: ["therapist"], rolesAfter: ["therapist", "biller"], revokedLinks: 1 });
  });

  it("the same values again write nothing; therapists and billers are refused", async () => {
    const w = await makeWorld();
    const before = snapshot(w.store);
    expect(await updateStaff(w.deps, w.p.owner, idOf(w.p.theo), { name: "Theo Therapist", roles: ["therapist"] })).toMatchObject({ name: "Theo Therapist" });
    for (const who of ["tina", "biller"] as const) {
      await refusal(updateStaff(w.deps, w.p[who], idOf(w.p.theo), { name: "X" }), "permission_denied", 403);
    }
    expect(snapshot(w.store)).toEqual(before);
  });

  it("only an owner grants or removes the owner role, or changes an owner at all", async () => {
    const w = await makeWorld();
    const before = snapshot(w.store);
    await refusal(updateStaff(w.deps, w.p.manager, idOf(w.p.theo), { roles: ["therapist", "owner"] }), "permission_denied", 403);
    await refusal(updateStaff(w.deps, w.p.manager, idOf(w.p.owner), { email: "mine@maple.test" }), "permission_denied", 403);
    await refusal(updateStaff(w.deps, w.p.manager, idOf(w.p.manager), { roles: ["manager", "owner"] }), "permission_denied", 403);
    expect(snapshot(w.store)).toEqual(before);
    expect((await updateStaff(w.deps, w.p.owner, idOf(w.p.manager), { roles: ["manager", "owner"] })).roles).toEqual(["manager", "owner"]);
  });

  it("409 last_owner: the last active owner keeps the role; with a second owner it can be given up", async () => {
    const w = await makeWorld();
    const err = await refusal(updateStaff(w.deps, w.p.owner, idOf(w.p.owner), { roles: ["manager"] }), "last_owner", 409);
    expect(err.message).toBe(`staff member ${idOf(w.p.owner)} is the practice's last active owner; make someone else an owner first`);
    const second = await addStaff(w.deps, w.p.owner, { name: "Oona Owner", email: "oona@maple.test", roles: ["owner"] });
    await deactivateStaff(w.deps, w.p.owner, second.id);
    await refusal(updateStaff(w.deps, w.p.owner, idOf(w.p.owner), { roles: ["manager"] }), "last_owner", 409); // a deactivated owner does not count
    await updateStaff(w.deps, w.p.owner, idOf(w.p.manager), { roles: ["owner"] });
    expect((await updateStaff(w.deps, w.p.owner, idOf(w.p.owner), { roles: ["manager"] })).roles).toEqual(["manager"]);
  });

  it("an email another staff member has is 409 already_exists; a deactivated staff member cannot be changed", async () => {
    const w = await makeWorld();
    await refusal(updateStaff(w.deps, w.p.owner, idOf(w.p.theo), { email: "TINA@maple.test" }), "already_exists", 409);
    await deactivateStaff(w.deps, w.p.owner, idOf(w.p.theo));
    await refusal(updateStaff(w.deps, w.p.owner, idOf(w.p.theo), { name: "Ghost" }), "staff_deactivated", 409);
  });

  it("names must be one line; roles must be known and at least one", async () => {
    const w = await makeWorld();
    for (const bad of [{ name: "Theo\nEvil" }, { name: "T\u001b]0;x" }, { roles: [] }, { roles: ["admin"] }, { email: "nope" }, { teletherapy: true }]) {
      await expect(updateStaff(w.deps, w.p.owner, idOf(w.p.theo), bad)).rejects.toThrow();
    }
    expect(auditRows(w.store, "staff.update")).toEqual([]);
  });

  it("R1, R3: removing the therapist role is refused while telehealth is upcoming, then turns Teletherapy off", async () => {
    const w = await makeWorld();
    const tina = idOf(w.p.tina);
    const apt = await book(w, { client: w.p.alice, start: "2026-12-03T10:00", telehealth: true });
    const before = snapshot(w.store);
    const err = await refusal(updateStaff(w.deps, w.p.owner, tina, { roles: ["manager"] }), "upcoming_telehealth", 409);
    expect(err.details).toEqual({ appointments: [apt.id] });
    expect(snapshot(w.store)).toEqual(before);
    setStatus(w.store, apt.id, "cancelled");
    const s = await updateStaff(w.deps, w.p.owner, tina, { roles: ["manager"] });
    expect(s).toMatchObject({ roles: ["manager"], teletherapy: false });
    expect((await w.store.staff.byId(w.p.practiceId, tina))!.teletherapy).toBe(false);
    expect(JSON.parse(auditRows(w.store, "staff.update")[0]!.details!)).toMatchObject({ fields: ["roles"], teletherapyOff: true });
    // The new roles take effect for the staff member's next request.
    const fresh = asStaff((await w.store.staff.byId(w.p.practiceId, tina))!);
    expect((await getStaff(w.deps, fresh, idOf(w.p.theo))).id).toBe(idOf(w.p.theo));
  });
});
