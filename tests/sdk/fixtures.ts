/** Replies shaped like the shared schemas, for SDK and CLI tests. */
export const staffAna = {
  id: "stf_ana",
  name: "Ana Ruiz",
  email: "ana@example.com",
  roles: ["therapist"],
  teletherapy: true,
  licensedIn: [] as string[],
  active: true,
  createdAt: "2026-01-05T10:00:00.000Z",
};

export const ownerOla = { ...staffAna, id: "stf_ola", name: "Ola Berg", email: "ola@example.com", roles: ["owner"], teletherapy: false };

export const practice = {
  id: "prc_1",
  name: "Harbor Therapy",
  slug: "harbor",
  state: "NY",
  timeZone: "America/New_York",
  joinWindowMinutes: 15,
  autoCompleteMinutes: 60,
  portalUrl: "http://127.0.0.1/p/harbor",
  contact: null as string | null,
  licensure: "warn",
  reminderMinutes: [1440, 60],
};

export const whoami = { staff: ownerOla, practice };

export const clientBo = {
  id: "cli_bo",
  name: "Bo Lind",
  email: "bo@example.com",
  state: "NY",
  phone: null,
  dateOfBirth: null,
  portal: { status: "none" },
  createdAt: "2026-01-06T10:00:00.000Z",
  consent: { status: "none" },
};

export const appointment = {
  id: "apt_1",
  therapistId: "stf_ana",
  clientId: "cli_bo",
  start: "2026-12-01T20:00:00.000Z",
  end: "2026-12-01T20:50:00.000Z",
  telehealth: false,
  status: "scheduled",
  clientReady: false,
  createdAt: "2026-01-07T10:00:00.000Z",
};

export const conversion = {
  dryRun: false,
  matched: 3,
  converted: ["apt_1"],
  skipped: [
    { id: "apt_2", reason: "already_telehealth" },
    { id: "apt_3", reason: "not_convertible" },
  ],
  clientsNotReady: ["cli_bo"],
  invitesSent: [],
};

export const mail = {
  id: "mail_1",
  to: "bo@example.com",
  subject: "Your portal invite",
  status: "sent",
  attempts: 1,
  createdAt: "2026-01-07T10:00:00.000Z",
  sentAt: "2026-01-07T10:00:01.000Z",
};

/** A list endpoint's reply: one page holding `items`, the last one unless a cursor is given. */
export const page = <T>(items: T[], nextCursor: string | null = null) => ({ items, nextCursor });
