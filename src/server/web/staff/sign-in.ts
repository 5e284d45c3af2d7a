import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { PracticeRow } from "../../db/types.js";
import { audit } from "../../domain/audit/audit.js";
import type { Deps } from "../../domain/deps.js";
import { DomainError } from "../../domain/errors.js";
import { acceptStaffInvite, MAX_PASSWORD, MIN_PASSWORD, staffInvite, staffSignIn } from "../../domain/staff/web.js";
import { PASSWORD_RULE } from "../../domain/portal/sign-in.js";
import { html, notice, page, field, type SafeHtml } from "../html.js";
import { errorPage, formOf, pageHandler, sendPage } from "../index.js";
import { linkFailed, linkPageAllowed, withinLimit } from "../limit-pages.js";
import { csrfFor, csrfValid, endWebSession, replaceWebSession } from "../session.js";
import { pageErrors, practiceOf, redirect, signInPath, staffHome, staffSession, text, visitor } from "./common.js";

const FORBIDDEN_FORM = "This form has expired or did not come from this site, so nothing was changed. Go back, reload the page and try again.";
const INVITE_GONE = "This invite link has expired or has already been used. Ask your practice's owner or manager to send a new invite.";

function signInForm(practice: PracticeRow, csrf: string, o: { status?: SafeHtml; email?: string } = {}): string {
  const slug = practice.slug;
  return page({ title: "Staff sign-in", practiceName: practice.name, body: html`
<h1>Staff sign-in</h1>
${o.status ?? ""}
<form method="post" action="${signInPath(slug)}" class="card">
  <input type="hidden" name="_csrf" value="${csrf}">
  ${field({ name: "email", label: "Email", type: "email", autocomplete: "username", required: true, value: o.email })}
  ${field({ name: "password", label: "Password", type: "password", autocomplete: "current-password", required: true })}
  <button type="submit">Sign in</button>
</form>
<p class="hint">New on staff? Set your password with the link in your invite email. Forgot it? Ask your practice's owner or manager for a new invite.</p>
<p class="hint">Clients sign in on <a href="/p/${slug}">the client portal</a>.</p>` });
}

function welcomeForm(practice: PracticeRow, name: string, email: string, action: string, csrf: string, problem?: string): string {
  return page({ title: "Set your password", practiceName: practice.name, body: html`
<h1>Welcome, ${name}</h1>
<p>Set a password to sign in to ${practice.name} on tele. You will sign in with <strong>${email}</strong>.</p>
${problem ? notice("error", problem) : ""}
<form method="post" action="${action}" class="card">
  <input type="hidden" name="_csrf" value="${csrf}">
  ${field({ name: "password", label: "New password", type: "password", autocomplete: "new-password", required: true, minlength: MIN_PASSWORD, hint: `${PASSWORD_RULE} A few unrelated words make a strong one.` })}
  ${field({ name: "confirm", label: "New password again", type: "password", autocomplete: "new-password", required: true, minlength: MIN_PASSWORD })}
  <button type="submit">Set password and sign in</button>
</form>` });
}

/** Staff sign-in with email and password, sign-out, and the invite link that sets the password. */
export function signInPages(app: FastifyInstance, deps: Deps): void {
  // Attempts are limited per address and per account (the email; the invite link): see http/limits.ts.
  const errorHandler = pageErrors(deps);

  app.get("/p/:slug/staff/sign-in", { errorHandler }, pageHandler(deps, async (req, reply) => {
    const practice = await practiceOf(deps, req);
    if (await staffSession(deps, req, practice)) return redirect(reply, deps, staffHome(practice.slug));
    const signedOut = (req.query as { signed_out?: string }).signed_out !== undefined;
    return sendPage(reply, deps, 200, signInForm(practice, csrfFor(deps, req, reply), { status: signedOut ? notice("ok", "You have signed out.") : undefined }));
  }));

  app.post("/p/:slug/staff/sign-in", { errorHandler }, pageHandler(deps, async (req, reply) => {
    const practice = await practiceOf(deps, req);
    const form = formOf(req);
    if (!csrfValid(req, { _csrf: text(form, "_csrf", 100) })) return errorPage(reply, deps, 403, "Not allowed", FORBIDDEN_FORM);
    const email = text(form, "email", 254);
    const password = text(form, "password", MAX_PASSWORD);
    // A refusal here is counted (refusal_counts), not audited one by one.
    if (!(await withinLimit(deps, req, reply, "staff_sign_in", { account: email.trim().toLowerCase(), practiceId: practice.id }))) return reply;
    const staff = await staffSignIn(deps, visitor(req), practice, { email, password });
    if (!staff) {
      const status = notice("error", "That email and password do not match an account here. Check them and try again.");
      return sendPage(reply, deps, 401, signInForm(practice, csrfFor(deps, req, reply), { status, email }));
    }
    await replaceWebSession(deps, req, reply, practice.id, "staff", staff.id);
    return redirect(reply, deps, staffHome(practice.slug));
  }));

  app.post("/p/:slug/staff/sign-out", { errorHandler }, pageHandler(deps, async (req, reply) => {
    const practice = await practiceOf(deps, req);
    const s = await staffSession(deps, req, practice);
    if (!s) return redirect(reply, deps, signInPath(practice.slug));
    if (!csrfValid(req, { _csrf: text(formOf(req), "_csrf", 100) }, s.signedIn)) return errorPage(reply, deps, 403, "Not allowed", FORBIDDEN_FORM);
    await endWebSession(deps, req, reply);
    await deps.store.tx((r) => audit(r, s.actor, deps.clock(), practice.id, "staff.sign_out", { type: "staff", id: s.actor.staff.id }));
    return redirect(reply, deps, `${signInPath(practice.slug)}?signed_out`);
  }));

  app.get("/p/:slug/staff/welcome/:token", { errorHandler }, pageHandler(deps, async (req, reply) => {
    const practice = await practiceOf(deps, req);
    if (!(await linkPageAllowed(deps, req, reply, practice.id))) return reply;
    const found = await staffInvite(deps, practice.slug, (req.params as { token: string }).token);
    if (!found) {
      await linkFailed(req);
      return errorPage(reply, deps, 410, "This invite link does not work", INVITE_GONE);
    }
    return sendPage(reply, deps, 200, welcomeForm(practice, found.staff.name, found.staff.email, req.url.split("?")[0]!, csrfFor(deps, req, reply)));
  }));

  app.post("/p/:slug/staff/welcome/:token", { errorHandler }, pageHandler(deps, async (req, reply) => {
    const practice = await practiceOf(deps, req);
    const token = (req.params as { token: string }).token;
    const form = formOf(req);
    if (!csrfValid(req, { _csrf: text(form, "_csrf", 100) })) return errorPage(reply, deps, 403, "Not allowed", FORBIDDEN_FORM);
    if (!(await withinLimit(deps, req, reply, "staff_password", { account: token.slice(0, 200), practiceId: practice.id }))) return reply;
    const input = { slug: practice.slug, token, password: text(form, "password", MAX_PASSWORD), confirm: text(form, "confirm", MAX_PASSWORD) };
    try {
      const { staff } = await acceptStaffInvite(deps, visitor(req), input);
      await replaceWebSession(deps, req, reply, practice.id, "staff", staff.id);
      return redirect(reply, deps, staffHome(practice.slug));
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      if (err.code === "link_invalid") return errorPage(reply, deps, 410, "This invite link does not work", INVITE_GONE);
      const found = await staffInvite(deps, practice.slug, token);
      if (!found) return errorPage(reply, deps, 410, "This invite link does not work", INVITE_GONE);
      return sendPage(reply, deps, 400, welcomeForm(practice, found.staff.name, found.staff.email, req.url.split("?")[0]!, csrfFor(deps, req, reply), err.message));
    }
  }));
}
