/**
 * Each appointment notice (R23) as it is delivered, from its facts: the words, in a text and an
 * HTML part, and the iCalendar file (RFC 5545) built with ical-generator: one UID per appointment
 * for its life, SEQUENCE rising with each change, METHOD REQUEST (or CANCEL), the start and end in
 * the practice's zone with its VTIMEZONE, and the appointment's page in the portal as LOCATION and
 * URL (never a single-use link).
 */
import { getVtimezoneComponent } from "@touch4it/ical-timezones";
import ical, { ICalAttendeeRole, ICalAttendeeStatus, ICalCalendarMethod, ICalEventStatus } from "ical-generator";
import { DateTime } from "luxon";
import { clientMail, type Block, type ClientMail } from "./layout.js";
import { longWhen, offsetWords, type NoticeFacts } from "./notices.js";

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

export interface CalendarFile {
  method: "REQUEST" | "CANCEL";
  content: string;
}

/** The appointment's calendar file as of this notice; `organizer` is the address the mail comes from. */
export function calendarFile(f: NoticeFacts, attendee: string, organizer: string): CalendarFile {
  const cancel = f.kind === "cancelled";
  const cal = ical({ prodId: { company: "tele", product: "tele", language: "EN" }, method: cancel ? ICalCalendarMethod.CANCEL : ICalCalendarMethod.REQUEST });
  // No calendar-wide zone: DTSTAMP stays in UTC; the generator adds the VTIMEZONE of the event's zone.
  cal.timezone({ name: null, generator: getVtimezoneComponent });
  // Luxon instants in the zone: ical-generator writes their wall-clock time under TZID (a native Date would use the server's zone).
  const at = (ms: number) => DateTime.fromMillis(ms, { zone: f.timeZone });
  cal.createEvent({
    id: f.uid,
    sequence: f.sequence,
    stamp: DateTime.fromMillis(f.stampAt, { zone: "utc" }),
    start: at(f.startAt),
    end: at(f.endAt),
    timezone: f.timeZone,
    summary: `Appointment with ${f.practiceName}`,
    description: `${f.telehealth ? "Video appointment" : "Appointment"} with ${f.therapistName}. ` +
      `${f.telehealth ? "Join from your client portal" : "Details in your client portal"}: ${f.pageUrl}`,
    location: f.pageUrl,
    url: f.pageUrl,
    status: cancel ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
    organizer: { name: f.practiceName, email: organizer },
    attendees: [{ email: attendee, role: ICalAttendeeRole.REQ, status: ICalAttendeeStatus.NEEDSACTION, rsvp: false }],
  });
  return { method: cancel ? "CANCEL" : "REQUEST", content: cal.toString() };
}
