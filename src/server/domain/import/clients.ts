import { DateOnly, Email, hasUnprintable, isUsStateCode, UNPRINTABLE_MESSAGE, type ImportResult } from "../../../sdk/schemas/index.js";
import { audit } from "../audit/audit.js";
import type { Repos } from "../../db/repos.js";
import type { Actor, Deps } from "../deps.js";
import { newId } from "../shared/crypto.js";
import { MANAGERS, requireStaff } from "../shared/permissions.js";
import { finishImport, readImportTable, type ImportError } from "./columns.js";

/**
 * `tele clients import`: validates every row, reports every bad one by line number, and writes all
 * or nothing, with one audit entry for the import. Messages never repeat a cell's value (PHI).
 */
export async function importClients(deps: Deps, actor: Actor, csv: string, dryRun: boolean): Promise<ImportResult> {
  const a = requireStaff(actor, ...MANAGERS);
  const now = deps.clock();
  const table = readImportTable(csv, ["name", "email", "state"], ["phone", "date_of_birth"]);
  const errors: ImportError[] = [...table.errors];
  const { col } = table;
  // Validation reads and the insert share one transaction, so no other write slips in between.
  return deps.store.tx(async (r) => {
    const existing = new Set((await r.clients.refs(a.practiceId)).map((c) => c.email).filter(Boolean));
    const seen = new Map<string, number>();
    const rows: Parameters<Repos["clients"]["insertMany"]>[0] = [];
    for (const { line, values } of table.rows) {
      const name = values[col.name!]!.trim();
      const emailCell = values[col.email!]!.trim();
      const state = values[col.state!]!.trim().toUpperCase();
      const phone = col.phone === undefined ? "" : values[col.phone]!.trim();
      const dob = col.date_of_birth === undefined ? "" : values[col.date_of_birth]!.trim();
      const problems: string[] = [];
      if (!name) problems.push("name is empty");
      if (name.length > 200) problems.push("name is longer than 200 characters");
      if (hasUnprintable(name)) problems.push(`name ${UNPRINTABLE_MESSAGE}`);
      let email: string | null = null;
      if (emailCell) {
        const parsed = Email.safeParse(emailCell);
        if (!parsed.success) problems.push("email is not a valid email address");
        else if (existing.has(parsed.data)) problems.push("a client with this email already exists");
        else if (seen.has(parsed.data)) problems.push(`the same email is on line ${seen.get(parsed.data)}`);
        else (email = parsed.data), seen.set(email, line);
      }
      if (state && !isUsStateCode(state)) problems.push("state must be a two-letter U.S. state or territory code, or empty");
      if (dob && !DateOnly.safeParse(dob).success) problems.push("date_of_birth must be a date such as 1990-04-30");
      if (phone.length > 40) problems.push("phone is longer than 40 characters");
      if (hasUnprintable(phone)) problems.push(`phone ${UNPRINTABLE_MESSAGE}`);
      if (problems.length) {
        errors.push({ line, message: problems.join("; ") });
        continue;
      }
      rows.push({ id: newId("cli"), practiceId: a.practiceId, name, email, state: state || null, phone: phone || null, dateOfBirth: dob || null, createdAt: now });
    }
    return finishImport(table, errors, rows.length, dryRun, async () => {
      await r.clients.insertMany(rows);
      await audit(r, a, now, a.practiceId, "clients.import", { type: "client", id: null }, { count: rows.length });
  });
  });
}
