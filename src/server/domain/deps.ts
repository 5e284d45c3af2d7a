import type { StaffRow } from "../db/types.js";
import type { Store } from "../db/repos.js";
import type { SessionHub } from "./sessions/hub.js";
import type { VideoProvider } from "../video/provider.js";

/** What every service needs, passed in: storage, a clock tests can fix, and settings. */
export interface Deps {
  store: Store;
  clock: () => number;
  config: {
    /** The origin written into emailed links. */
    publicUrl: string;
    /** Lets `POST /api/v1/practices` create a practice over HTTP; unset, that endpoint refuses. */
    setupToken?: string;
    /** The slug of the one practice `/` links to (the demo's); unset, `/` names no practice. */
    homePractice?: string;
    /** The most data rows one CSV import may hold (TELE_IMPORT_MAX_ROWS); beyond it, 413 `import_too_large`. */
    importMaxRows?: number;
  };
  /** Wakes the mail worker after a transaction that queued mail commits. */
  mailQueued?: () => void;
  /** Wakes the notice batch worker after a bulk change that wrote a notice batch commits. */
  noticesBatched?: () => void;
  /** This server process's id among the processes on the database (issue 13): its heartbeat row, bus messages, claims. */
  processId?: string;
  /** Live session presence (one per server); buildApp creates it when the caller did not. */
  sessions?: SessionHub;
  /** The video provider (R19) and its name for each appointment's session; absent, the pages say video is not set up. */
  video?: VideoSetup;
}

export interface VideoSetup {
  provider: VideoProvider;
  /** Undefined while the provider has no secret to derive session names from. */
  sessionName?: (appointmentId: string) => string;
  /** The provider's key for one participant of one appointment's session: opaque, unrelated across appointments. */
  participantKey?: (appointmentId: string, participantId: string) => string;
}

/** Who is asking, and from where (R20). The server decides this from credentials, never the caller. */
export type Actor =
  | { kind: "staff"; practiceId: string; staff: StaffRow; ip: string | null; requestId: string | null }
  | { kind: "client"; practiceId: string; clientId: string; ip: string | null; requestId: string | null }
  | { kind: "anonymous"; ip: string | null; requestId: string | null }
  | { kind: "system"; practiceId: string; ip: null; requestId: null };
export type StaffActor = Extract<Actor, { kind: "staff" }>;

/** The actor for work the server does by itself (seeding, the demo). */
export const systemActor = (practiceId: string): Actor => ({ kind: "system", practiceId, ip: null, requestId: null });
