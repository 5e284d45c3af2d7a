import type { FastifyInstance } from "fastify";
import type { Deps } from "../../domain/deps.js";
import { SessionHub } from "../../domain/sessions/hub.js";
import { dashboardEvents } from "./dashboard-events.js";
import { dashboardPages } from "./dashboard.js";
import { sessionPages } from "./session-page.js";
import { signInPages } from "./sign-in.js";

/** Staff sign-in, the provider dashboard and the appointment and session pages (R14). */
export function staffPages(app: FastifyInstance, deps: Deps): void {
  signInPages(app, deps);
  dashboardPages(app, deps);
  // One hub per server: who has a session page's event stream open (buildApp sets it up).
  sessionPages(app, deps, (deps.sessions ??= new SessionHub(deps)));
  dashboardEvents(app, deps, deps.sessions);
}
