/**
 * The iCalendar file (RFC 5545) on every appointment notice and reminder (R23), built with
 * ical-generator: one UID per appointment for its life, SEQUENCE rising with each change, METHOD
 * REQUEST (or CANCEL), the start and end in the practice's zone with its VTIMEZONE, and the
 * appointment's page in the portal as LOCATION and URL (never a single-use link).
 */
import { getVtimezoneComponent } from "@touch4it/ical-timezones";
import ical, { ICalAttendeeRole, ICalAttendeeStatus, ICalCalendarMethod, ICalEventStatus } from "ical-generator";
import { DateTime } from "luxon";
import type { NoticeFacts } from "./facts.js";

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
