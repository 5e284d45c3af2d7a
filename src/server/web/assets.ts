/** The pages' only stylesheet: served from the server itself (no CDN, no web fonts). */
export const CSS = `
:root { --fg: #1d2630; --muted: #5b6774; --bg: #f6f7f9; --card: #fff; --line: #d9dee4; --accent: #1f6feb;
  --accent-fg: #fff; --ok: #1a7f37; --warn: #9a6700; --err: #cf222e; --radius: 10px; color-scheme: light; }
* { box-sizing: border-box; }
html { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; font-size: 17px; line-height: 1.5; }
body { margin: 0; background: var(--bg); color: var(--fg); }
.top { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; justify-content: space-between; padding: .75rem 1rem; background: var(--card); border-bottom: 1px solid var(--line); }
.brand { font-weight: 700; }
.who { color: var(--muted); font-size: .9rem; }
main { max-width: 44rem; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.5rem; margin: .5rem 0 1rem; }
h2 { font-size: 1.15rem; margin: 1.5rem 0 .5rem; }
.card, .panel { background: var(--card); border: 1px solid var(--line); border-radius: var(--radius); padding: 1rem; margin: 0 0 1rem; }
.field { margin: 0 0 1rem; }
label { display: block; font-weight: 600; margin-bottom: .25rem; }
input[type=text], input[type=email], input[type=password] { width: 100%; font: inherit; padding: .65rem .75rem; border: 1px solid var(--line); border-radius: 8px; background: #fff; }
input:focus, button:focus, a:focus { outline: 3px solid #9cc3ff; outline-offset: 2px; }
.hint { color: var(--muted); font-size: .9rem; margin: .25rem 0 0; }
button, .button { display: inline-block; font: inherit; font-weight: 600; padding: .7rem 1.1rem; min-height: 44px; border-radius: 8px; border: 1px solid var(--accent); background: var(--accent); color: var(--accent-fg); text-decoration: none; cursor: pointer; }
button.secondary, .button.secondary { background: #fff; color: var(--accent); }
button.link { background: none; border: none; color: var(--accent); padding: 0; min-height: 0; text-decoration: underline; font-weight: 400; }
.signout { display: flex; align-items: center; gap: .5rem; margin: 0; }
.notice { border-radius: 8px; padding: .75rem 1rem; margin: 0 0 1rem; border: 1px solid var(--line); background: #fff; }
.notice.error { border-color: var(--err); color: var(--err); }
.notice.ok { border-color: var(--ok); color: var(--ok); }
.alert { border: 2px solid var(--accent); background: #eef5ff; border-radius: var(--radius); padding: 1rem; margin: 0 0 1rem; }
.alert h2 { margin-top: 0; }
.alert-entry + .alert-entry { border-top: 1px solid #c3d7f5; margin-top: 1rem; }
.offer p { margin: 0 0 .5rem; }
.appointments { list-style: none; padding: 0; margin: 0; }
.appointment { background: var(--card); border: 1px solid var(--line); border-radius: var(--radius); padding: 1rem; margin: 0 0 .75rem; display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: center; justify-content: space-between; }
.appointment .when { font-weight: 600; }
.appointment .meta { color: var(--muted); font-size: .95rem; }
.tag { display: inline-block; font-size: .8rem; font-weight: 600; padding: .1rem .5rem; border-radius: 999px; background: #e7f0ff; color: #0b4fb3; }
.tag.inperson { background: #eef1f4; color: var(--muted); }
.opens { color: var(--warn); font-size: .95rem; }
[hidden] { display: none !important; }
.zone { color: var(--muted); font-size: .9rem; }
a { color: var(--accent); }
.sr-only { position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
.room h2, .panel > h2:first-child { margin-top: 0; }
.video-stage video-player-container { display: grid; grid-template-columns: 1fr; gap: .5rem; width: 100%; }
.tile { position: relative; background: #111; border-radius: 8px; overflow: hidden; aspect-ratio: 16 / 9; }
.tile video-player { display: block; width: 100%; height: 100%; }
.tile.self { max-width: 12rem; justify-self: end; }
.tile .label { position: absolute; left: .5rem; bottom: .4rem; z-index: 1; color: #fff; font-size: .85rem; background: rgba(0,0,0,.55); padding: 0 .4rem; border-radius: 4px; }
.controls { display: flex; flex-wrap: wrap; gap: .5rem; margin: .75rem 0 0; }
.video-problem h3 { margin: 0 0 .25rem; font-size: 1rem; }
.video-problem p { margin: 0 0 .5rem; }
.ended-times { margin: .5rem 0 0; padding-left: 1.2rem; }
.camera video { display: block; width: 100%; max-width: 28rem; aspect-ratio: 4 / 3; background: #111; border-radius: 8px; margin: 0 0 .75rem; }
@media (max-width: 480px) { html { font-size: 16px; } main { padding: .75rem; } .appointment { display: block; } .appointment .actions { margin-top: .5rem; } .button, button:not(.link) { width: 100%; text-align: center; } }
`;

/** Static assets by name: content type and body. Scripts are added by the page modules. */
export const ASSETS = new Map<string, { type: string; body: string }>([["tele.css", { type: "text/css; charset=utf-8", body: CSS }]]);
