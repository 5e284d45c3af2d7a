/**
 * The pieces of paging that need no server: a cursor opens only for the scope it was made for and
 * with the key shape its list expects; the fast ISO formatting of a page's times is toISOString's text.
 */
import { describe, expect, it } from "vitest";
import { DomainError } from "../../src/server/domain/errors.js";
import { cursorAfter, keyOf, pageFrom } from "../../src/server/domain/shared/paging.js";
import { appointmentView } from "../../src/server/domain/shared/views.js";
import type { AppointmentRow } from "../../src/server/db/types.js";

const scope = { practiceId: "prc_a", list: "appointments", filter: { therapistId: "stf_1", from: 5, desc: false, to: undefined } };

const refused = (f: () => unknown) => {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(DomainError);
    expect(err).toMatchObject({ code: "bad_cursor", status: 400 });
    return;
  }
  throw new Error("not refused");
};

describe("cursors", () => {
  it("opens for its own scope, whatever the order of the filter's fields, and nowhere else", () => {
    const c = cursorAfter(scope, [1700000000000, "apt_x"]);
    expect(keyOf({ ...scope, filter: { desc: false, from: 5, therapistId: "stf_1" } }, c, "ns")).toEqual([1700000000000, "apt_x"]);
    expect(keyOf(scope, undefined, "ns")).toBeUndefined();
    refused(() => keyOf({ ...scope, practiceId: "prc_b" }, c, "ns"));
    refused(() => keyOf({ ...scope, list: "clients" }, c, "ns"));
    refused(() => keyOf({ ...scope, filter: { ...scope.filter, from: 6 } }, c, "ns"));
    refused(() => keyOf(scope, c, "ss")); // a key of another shape
    refused(() => keyOf(scope, c.replace(/^./, (ch) => (ch === "W" ? "X" : "W")), "ns"));
    refused(() => keyOf(scope, "", "ns"));
  });

  it("a page holds `size` items and a cursor only when a row more was read", () => {
    const rows = [1, 2, 3].map((n) => ({ n }));
    const full = pageFrom(rows, 2, scope, (r) => [r.n, `id${r.n}`], (r) => r.n);
    expect(full.items).toEqual([1, 2]);
    expect(keyOf(scope, full.nextCursor!, "ns")).toEqual([2, "id2"]);
    expect(pageFrom(rows, 3, scope, (r) => [r.n, "x"], (r) => r.n)).toEqual({ items: [1, 2, 3], nextCursor: null });
  });
});

describe("times in a page", () => {
  it("are the text toISOString gives, across days, years and the edges of the range", () => {
    const samples = [0, 1, 999, 86_399_999, 86_400_000, 951_782_400_000, 1_709_251_199_999, 4_102_444_800_000, 253_402_300_799_999, -1, 253_402_300_800_000];
    for (let i = 0; i < 2000; i++) samples.push(Math.floor(Math.random() * 4e12));
    for (const ms of samples) {
      const v = appointmentView({ id: "a", startAt: ms, endAt: ms + 1, createdAt: ms } as AppointmentRow);
      expect(v.start).toBe(new Date(ms).toISOString());
      expect(v.end).toBe(new Date(ms + 1).toISOString());
    }
  });
});
