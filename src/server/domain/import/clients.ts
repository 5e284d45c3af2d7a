import { DateOnly, Email, hasUnprintable, isUsStateCode, UNPRINTABLE_MESSAGE, type ImportResult } from "../../../sdk/schemas/index.js";
import type { StagedClient } from "../../db/import-stage.js";
import { audit } from "../audit/audit.js";
import type { Actor, Deps } from "../deps.js";
import { newId } from "../shared/crypto.js";
import { MANAGERS, requireStaff } from "../shared/permissions.js";
import { finishImport, ImportReader, type ImportSource } from "./columns.js";

/**
 * `tele clients import`: validates every row, reports every bad one by line number, and writes all
 * or nothing, with one audit entry for the import. Messages never repeat a cell's value (PHI).
 * The file streams (issue 14): rows are checked a batch at a time and staged on disk, with the
 * first line of each email, so a repeated email is found without holding the file; one
 * transaction checks the emails again against the practice's clients and writes.
 */
export async function importClients(deps: Deps, actor: Actor, csv: ImportSource, dryRun: boolean): Promise<ImportResult> {
  const a = requireStaff(actor, ...MANAGERS);
  const now = deps.clock();
  const reader = new ImportReader(["name", "email", "state"], ["phone", "date_of_birth"], deps.config.importMaxRows);
  const stage = await deps.store.importStage();
  try {
    let staged = 0;
    for await (const batch of reader.batches(csv)) {
      const { col } = reader;
      // Emails first seen in this batch (not yet staged), by line.
      const seen = new Map<string, number>();
      const rows: StagedClient[] = [];
      for (const { line, values } of batch) {
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
          const first = parsed.success ? (seen.get(parsed.data) ?? (await stage.stagedEmailLine(parsed.data))) : undefined;
          if (!parsed.success) problems.push("email is not a valid email address");
          else if (await stage.clientEmailExists(a.practiceId, parsed.data)) problems.push("a client with this email already exists");
          else if (first !== undefined) problems.push(`the same email is on line ${first}`);
          else (email = parsed.data), seen.set(email, line);
        }
        if (state && !isUsStateCode(state)) problems.push("state must be a two-letter U.S. state or territory code, or empty");
        if (dob && !DateOnly.safeParse(dob).success) problems.push("date_of_birth must be a date such as 1990-04-30");
        if (phone.length > 40) problems.push("phone is longer than 40 characters");
        if (hasUnprintable(phone)) problems.push(`phone ${UNPRINTABLE_MESSAGE}`);
        if (problems.length) {
          reader.errors.add(line, problems.join("; "));
          continue;
        }
        rows.push({ line, id: newId("cli"), name, email, state: state || null, phone: phone || null, dateOfBirth: dob || null });
      }
      await stage.addClients(reader.errors.total ? [] : rows, [...seen].map(([email, line]) => ({ email, line })));
      staged += rows.length;
    }
    const result = await stage.transaction(async (r) => {
      // A client added while the file was read may have taken an email of the file since.
      for (const line of await stage.takenEmailLines(a.practiceId)) reader.errors.add(line, "a client with this email already exists");
      return finishImport(reader, staged, dryRun, async () => {
        await stage.insertClients(a.practiceId, now);
        await audit(r, a, now, a.practiceId, "clients.import", { type: "client", id: null }, { count: staged });
      });
    });
    // Post-commit hook: the rows are committed (or this was a dry run); work that follows an import goes here.
    return result;
  } finally {
    await stage.drop();
  }
}
