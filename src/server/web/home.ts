import type { FastifyInstance } from "fastify";
import type { PracticeRow } from "../db/types.js";
import type { Deps } from "../domain/deps.js";
import { html, page } from "./html.js";
import { pageHandler, sendPage } from "./index.js";
import { portalPath } from "./portal/guards.js";
import { signInPath } from "./staff/common.js";

/**
 * `/`: what someone who types the server's bare address sees. A host may serve many practices, so
 * it names none to a stranger: only a server told its one practice (the demo) links that practice's
 * client portal and staff sign-in. Everyone else is pointed to the address their practice gave them.
 */
export function homePage(practice: PracticeRow | undefined): string {
  if (!practice) {
    return page({
      title: "tele",
      body: html`<h1>tele</h1>
<p>This server runs tele, telehealth for therapy practices.</p>
<p>To sign in, use the address your practice gave you: its client portal, or for staff, its staff sign-in.</p>`,
    });
  }
  return page({
    title: "Welcome", practiceName: practice.name,
    body: html`<h1>${practice.name}</h1>
<ul>
  <li><a href="${portalPath(practice)}">Client portal</a>: clients sign in here to join their telehealth sessions.</li>
  <li><a href="${signInPath(practice.slug)}">Staff sign-in</a>: therapists and staff sign in here to begin sessions.</li>
</ul>`,
  });
}

export function homePages(app: FastifyInstance, deps: Deps): void {
  app.get("/", pageHandler(deps, async (_req, reply) => {
    const slug = deps.config.homePractice;
    const practice = slug ? await deps.store.practices.bySlug(slug) : undefined;
    return sendPage(reply, deps, 200, homePage(practice));
  }));
}
