/** Deterministic bench data: therapists, clients, and appointments spread over future weekdays. */
export const THERAPISTS = 10;
export const CLIENTS = 2000;

export const therapistEmail = (i: number) => `therapist${i}@bench.example`;
export const clientEmail = (i: number) => `client${i}@bench.example`;

/** The clients CSV: every client a NY resident with an email. */
export function clientsCsv(n = CLIENTS): string {
  const lines = ["name,email,state"];
  for (let i = 0; i < n; i++) lines.push(`Client ${i},${clientEmail(i)},NY`);
  return lines.join("\n") + "\n";
}

export interface BenchAppointment {
  therapist: number;
  client: number;
  /** Local wall-clock start, no offset (read in the practice's zone). */
  start: string;
  startMs: number;
  minutes: number;
}

/** `n` appointments from `firstDay` on, eight a day per therapist, weekdays only. */
export function appointments(n: number, firstDay: number, therapists = THERAPISTS, clients = CLIENTS): BenchAppointment[] {
  const out: BenchAppointment[] = [];
  let day = 0;
  while (out.length < n) {
    const d = new Date(firstDay + day++ * 86_400_000);
    if (d.getUTCDay() === 0 || d.getUTCDay() === 6) continue;
    const date = d.toISOString().slice(0, 10);
    for (let slot = 0; slot < 8 && out.length < n; slot++) {
      for (let t = 0; t < therapists && out.length < n; t++) {
        const hour = 9 + slot;
        const start = `${date}T${String(hour).padStart(2, "0")}:00`;
        // Offsets are approximate (EST); the baseline only needs plausible, distinct times.
        out.push({ therapist: t, client: (out.length * 7919) % clients, start, startMs: Date.parse(`${start}:00-05:00`), minutes: 50 });
      }
    }
  }
  return out;
}

export function appointmentsCsv(rows: BenchAppointment[], telehealth = false): string {
  const lines = ["therapist,client,start,duration_minutes,telehealth"];
  const kind = telehealth ? "yes" : "no";
  for (const r of rows) lines.push(`${therapistEmail(r.therapist)},${clientEmail(r.client)},${r.start},${r.minutes},${kind}`);
  return lines.join("\n") + "\n";
}
