/** The built-in call's network quality score (src/browser/quality.ts): pure functions of getStats() figures. */
import { describe, expect, it } from "vitest";
import { linkFigures, qualityLevel, type StatsEntry } from "../../src/browser/quality.js";

describe("qualityLevel", () => {
  it("is 0 when nothing is known, 5 on a clean link, and loses a point per threshold passed", () => {
    expect(qualityLevel({})).toBe(0);
    expect(qualityLevel({ rttMs: Number.NaN })).toBe(0);
    expect(qualityLevel({ rttMs: 20, lossPct: 0, jitterMs: 5, availableKbps: 2500 })).toBe(5);
    expect(qualityLevel({ rttMs: 200, lossPct: 0, jitterMs: 5, availableKbps: 2500 })).toBe(4);
    expect(qualityLevel({ rttMs: 200, lossPct: 2, jitterMs: 5, availableKbps: 2500 })).toBe(3);
    expect(qualityLevel({ rttMs: 400, lossPct: 5, jitterMs: 40, availableKbps: 200 })).toBe(1);
    expect(qualityLevel({ rttMs: 800, lossPct: 20, jitterMs: 200, availableKbps: 20 })).toBe(1); // the floor while measured
    expect(qualityLevel({ availableKbps: 100 })).toBe(3);
  });
});

describe("linkFigures", () => {
  const report = (lost: number, received: number): StatsEntry[] => [
    { type: "transport", id: "T1", selectedCandidatePairId: "P2" },
    { type: "candidate-pair", id: "P1", currentRoundTripTime: 0.9, availableOutgoingBitrate: 10_000 },
    { type: "candidate-pair", id: "P2", currentRoundTripTime: 0.05, availableOutgoingBitrate: 1_200_000 },
    { type: "inbound-rtp", kind: "audio", packetsLost: lost, packetsReceived: received, jitter: 0.004 },
    { type: "inbound-rtp", kind: "video", packetsLost: 0, packetsReceived: received * 2, jitter: 0.012 },
  ];

  it("reads the selected pair's RTT and bitrate, the worst jitter, and loss since the previous sample", () => {
    const prev = { lost: 0, received: 0 };
    const first = linkFigures(report(0, 100), prev);
    expect(first).toEqual({ rttMs: 50, availableKbps: 1200, jitterMs: 12, lossPct: 0 });
    const second = linkFigures(report(30, 200), prev); // 30 lost of the 330 expected since the first sample
    expect(second.lossPct).toBeCloseTo((100 * 30) / 330, 5);
    expect(qualityLevel(second)).toBe(2); // over 8 % loss costs three points
    expect(prev).toEqual({ lost: 30, received: 600 });
  });

  it("without a transport entry uses the nominated succeeded pair; with no inbound packets, no loss figure", () => {
    const f = linkFigures([{ type: "candidate-pair", nominated: true, state: "succeeded", currentRoundTripTime: 0.3 }], { lost: 0, received: 0 });
    expect(f).toEqual({ rttMs: 300 });
    expect(qualityLevel(f)).toBe(4);
  });
});
