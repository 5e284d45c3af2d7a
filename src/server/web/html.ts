import { assetUrl } from "./assets.js";

/** HTML built from templates whose interpolations are escaped unless marked safe with `raw`. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** Marks a string as already-safe HTML (only for markup this code wrote). */
export const raw = (s: string) => new SafeHtml(s);

type Part = SafeHtml | string | number | boolean | null | undefined | Part[];

function render(p: Part): string {
  if (p === null || p === undefined || p === false) return "";
  if (p instanceof SafeHtml) return p.value;
  if (Array.isArray(p)) return p.map(render).join("");
  return escapeHtml(String(p));
}

/** `html\`<p>${name}</p>\``: every value escaped, arrays joined, SafeHtml kept as is. */
export function html(strings: TemplateStringsArray, ...values: Part[]): SafeHtml {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += render(values[i]!) + strings[i + 1]!;
  return new SafeHtml(out);
}

export interface PageOptions {
  title: string;
  body: SafeHtml;
  /** Shown in the header. */
  practiceName?: string;
  /** A sign-out form is shown when set (its CSRF token and action). */
  signOut?: { action: string; csrf: string; who: string };
  /** Page scripts by logical name (src/browser), run as deferred ES modules in order; never inline (the CSP forbids it). */
  scripts?: string[];
}

/** The page shell: one stylesheet, no inline script or style, readable at 360 px. */
export function page(o: PageOptions): string {
  return "<!doctype html>\n" + html`<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${o.title}${o.practiceName ? ` · ${o.practiceName}` : ""}</title>
<link rel="stylesheet" href="${assetUrl("tele.css")}">
${(o.scripts ?? []).map((s) => html`<script type="module" src="${assetUrl(s)}"></script>`)}
</head>
<body>
<header class="top">
  <span class="brand">${o.practiceName ?? "tele"}</span>
  ${o.signOut ? html`<form method="post" action="${o.signOut.action}" class="signout">
    <input type="hidden" name="_csrf" value="${o.signOut.csrf}">
    <span class="who">${o.signOut.who}</span> <button type="submit" class="link">Sign out</button>
  </form>` : ""}
</header>
<main id="main">
${o.body}
</main>
</body>
</html>`.value;
}

/** A labelled form field (every field has a <label>). */
export function field(o: { name: string; label: string; type?: string; autocomplete?: string; required?: boolean; value?: string; minlength?: number; hint?: string }): SafeHtml {
  const id = `f-${o.name}`;
  return html`<div class="field">
  <label for="${id}">${o.label}</label>
  <input id="${id}" name="${o.name}" type="${o.type ?? "text"}"${raw(o.autocomplete ? ` autocomplete="${escapeHtml(o.autocomplete)}"` : "")}${raw(o.required ? " required" : "")}${raw(o.minlength ? ` minlength="${o.minlength}"` : "")}${raw(o.value !== undefined ? ` value="${escapeHtml(o.value)}"` : "")}${raw(o.hint ? ` aria-describedby="${id}-hint"` : "")}>
  ${o.hint ? html`<p class="hint" id="${id}-hint">${o.hint}</p>` : ""}
</div>`;
}

/** A notice box; `role` makes screen readers announce errors. */
export function notice(kind: "error" | "info" | "ok", text: string | SafeHtml): SafeHtml {
  return html`<div class="notice ${kind}"${raw(kind === "error" ? ' role="alert"' : ' role="status"')}>${text}</div>`;
}
