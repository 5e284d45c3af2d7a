/** Small typed DOM helpers shared by the page scripts. */

/** The first element matching `sel` under `root`, or null. */
export function find<E extends Element = HTMLElement>(sel: string, root: ParentNode = document): E | null {
  return root.querySelector<E>(sel);
}

/** Like `find`, for elements the server always writes into the page: a missing one is a bug. */
export function must<E extends Element = HTMLElement>(sel: string, root: ParentNode = document): E {
  const el = root.querySelector<E>(sel);
  if (!el) throw new Error(`the page has no ${sel}`);
  return el;
}

/** Every element matching `sel` under `root`. */
export function all<E extends Element = HTMLElement>(sel: string, root: ParentNode = document): E[] {
  return Array.from(root.querySelectorAll<E>(sel));
}

/** The difference between the server's clock when the page was made and this device's (ms). */
export function skewFrom(serverNow: string | null, parse: (s: string) => number): number {
  if (serverNow === null) return 0;
  const skew = parse(serverNow) - Date.now();
  return Number.isFinite(skew) ? skew : 0;
}
