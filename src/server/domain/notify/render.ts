/** The words of each appointment notice (R23), rendered from its facts when it is delivered. */
import { calendarFile, type CalendarFile } from "./calendar.js";
import type { NoticeFacts } from "./facts.js";
import { clientMail, type Block, type ClientMail } from "./layout.js";
import { longWhen, offsetWords } from "./when.js";

export interface RenderedNotice extends ClientMail {
  calendar: CalendarFile;
}

function headingOf(f: NoticeFacts): string {
  switch (f.kind) {
    case "created": return f.telehealth ? "Your video appointment is booked" : "Your appointment is booked";
    case "converted": return "Your appointment is now by video";
    case "rescheduled": return "Your appointment has a new time";
    case "in_person": return "Your appointment is now in person";
    case "cancelled": return "Your appointment is cancelled";
    case "reminder": return `Your appointment is in ${offsetWords(f.offsetMinutes ?? 0)}`;
  }
}

/** What the client does next: join by video, come in, or nothing (cancelled). */
function whatToDo(f: NoticeFacts): Block[] {
  if (f.kind === "cancelled") {
    return [{ p: `This appointment will not take place. The calendar file attached removes it from your calendar. To book another time, contact ${f.practiceName}.` }];
  }
  if (!f.telehealth) {
    return [{ p: `This appointment is no longer by video: it takes place in person with ${f.practiceName}. The calendar file attached updates your calendar.` }];
  }
  return [
    { p: `How to join: sign in to your client portal. From ${f.joinWindowMinutes} minutes before the start, the appointment's page shows a Join button. ` +
        "Use a phone, tablet or computer with a camera and microphone, and allow them when your browser asks." },
    { link: f.pageUrl, label: "Open the appointment in your portal", note: "This address stays the same for this appointment, even if its time changes." },
    { p: "When your therapist starts the session you will also get an email with a link straight into it." },
    { p: "The calendar file attached adds the appointment to your calendar; it is updated if anything changes." },
  ];
}

function intro(f: NoticeFacts): string {
  const withWhom = `with ${f.therapistName} at ${f.practiceName}`;
  switch (f.kind) {
    case "created": return `Your ${f.telehealth ? "video " : ""}appointment ${withWhom} is booked.`;
    case "converted": return `Your appointment ${withWhom} will now take place by video.`;
    case "rescheduled": return `Your appointment ${withWhom} has moved to a new time.`;
    case "in_person": return `Your appointment ${withWhom} will now take place in person.`;
    case "cancelled": return `Your appointment ${withWhom} has been cancelled.`;
    case "reminder": return `This is a reminder of your ${f.telehealth ? "video " : ""}appointment ${withWhom}.`;
  }
}

/** The notice's text and HTML parts, sender headers and calendar file; `to` and `from` are the mail's addresses. */
export function renderNotice(f: NoticeFacts, to: string, from: string): RenderedNotice {
  const rows: [string, string][] = [
    ["When", longWhen(f.startAt, f.endAt, f.timeZone)],
    ["With", `${f.therapistName}, ${f.practiceName}`],
    ["Where", f.kind === "cancelled" ? "Cancelled" : f.telehealth ? "By video, from your client portal" : "In person"],
  ];
  const mail = clientMail({ name: f.practiceName, contact: f.contact, portalUrl: f.portalUrl }, headingOf(f), [{ p: intro(f) }, { rows }, ...whatToDo(f)]);
  return { ...mail, calendar: calendarFile(f, to, from) };
}
