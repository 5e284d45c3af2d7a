/**
 * Where a streamed import waits while it is read and checked (issue 14): rows go to scratch
 * tables on disk in batches, outside any transaction of the practice's data, so memory holds one
 * batch and other requests run between batches; the final check and the write run in one
 * transaction (R21). The SQLite store keeps them in TEMP tables of its one connection; the
 * PostgreSQL store in TEMP tables of one connection it holds for the import.
 */
import type { Repos } from "./repos.js";

/** A checked appointment row, with its id made and its line kept for messages. */
export interface StagedAppointment {
  line: number;
  id: string;
  therapistId: string;
  clientId: string;
  startAt: number;
  endAt: number;
  telehealth: boolean;
}

/** A checked client row. */
export interface StagedClient {
  line: number;
  id: string;
  name: string;
  email: string | null;
  state: string | null;
  phone: string | null;
  dateOfBirth: string | null;
}

/** One interval in the overlap sweep: an incoming row (its line) or a scheduled appointment (line -1, its id). */
export interface SweepItem {
  who: string;
  startAt: number;
  endAt: number;
  line: number;
  id: string;
}

export interface ImportStage {
  /** Adds rows (between other requests' transactions). */
  addAppointments(rows: StagedAppointment[]): Promise<void>;
  addClients(rows: StagedClient[], emails: { email: string; line: number }[]): Promise<void>;
  /** A client by id, or by email (lower-cased): what an appointment row may name. */
  clientRef(practiceId: string, ref: string): Promise<{ id: string; state: string | null; archived: boolean } | undefined>;
  /** Whether the practice has a client with this email. */
  clientEmailExists(practiceId: string, email: string): Promise<boolean>;
  /** The line of the first staged row with this email, if any. */
  stagedEmailLine(email: string): Promise<number | undefined>;
  /**
   * The import's final transaction (R21), in which the rest run: the store's `tx` on SQLite; on
   * PostgreSQL a transaction on the connection that holds the scratch tables (only it sees them).
   */
  transaction<T>(fn: (r: Repos) => Promise<T>): Promise<T>;
  /** The earliest start and latest end of the staged appointments (undefined when none). */
  appointmentRange(): Promise<{ from: number; to: number } | undefined>;
  /**
   * Staged appointments and the practice's scheduled ones in [from, to), as intervals of one side,
   * ordered by who, start, end, incoming rows before scheduled ones, then line. SQLite reads them
   * synchronously (an Iterable); PostgreSQL through a cursor (an AsyncIterable).
   */
  sweep(practiceId: string, side: "therapist" | "client", from: number, to: number): Iterable<SweepItem> | AsyncIterable<SweepItem>;
  /** Lines of staged clients whose email a client of the practice has now. */
  takenEmailLines(practiceId: string): Promise<number[]>;
  /** Writes the staged rows to the practice's tables; returns how many. */
  insertAppointments(practiceId: string, now: number): Promise<number>;
  /** The ids of the staged telehealth appointments (their clients' notices, with --notify). */
  telehealthIds(): Promise<string[]>;
  insertClients(practiceId: string, now: number): Promise<number>;
  /** Drops the scratch tables; safe to call twice. */
  drop(): Promise<void>;
}
