/**
 * The built-in call's network quality, 0–5, from what `RTCPeerConnection.getStats()` reports:
 * round-trip time, packet loss, jitter and the available outgoing bitrate. Pure functions, so they
 * are unit-tested without a browser (tests/unit/quality.test.ts).
 */

/** The figures the score is made from; undefined where the browser has not reported one yet. */
export interface LinkFigures {
  /** Round-trip time of the selected candidate pair, milliseconds. */
  rttMs?: number;
  /** Inbound packets lost since the last sample, percent of those expected. */
  lossPct?: number;
  /** Inbound jitter, milliseconds (the worst of audio and video). */
  jitterMs?: number;
  /** The selected pair's available outgoing bitrate, kilobits per second. */
  availableKbps?: number;
}

/** Penalty steps: each threshold passed costs one point. */
const STEPS: { [K in keyof LinkFigures]-?: { worse: "above" | "below"; at: number[] } } = {
  rttMs: { worse: "above", at: [150, 300, 600] },
  lossPct: { worse: "above", at: [1, 3, 8] },
  jitterMs: { worse: "above", at: [30, 60, 120] },
  availableKbps: { worse: "below", at: [300, 150, 60] },
};

/**
 * 5 is a good link; each figure past a threshold costs a point, and 1 is the floor while anything
 * is measured; 0 means nothing is known (no connection yet, or no figures at all).
 */
export function qualityLevel(f: LinkFigures): number {
  let score = 5;
  let known = 0;
  for (const key of Object.keys(STEPS) as (keyof LinkFigures)[]) {
    const v = f[key];
    if (v === undefined || !Number.isFinite(v)) continue;
    known++;
    const { worse, at } = STEPS[key];
    score -= at.filter((t) => (worse === "above" ? v > t : v < t)).length;
  }
  if (known === 0) return 0;
  return Math.max(1, Math.min(5, score));
}

/** One stats entry as getStats() gives it (only the fields read here). */
export interface StatsEntry {
  type: string;
  id?: string;
  kind?: string;
  state?: string;
  nominated?: boolean;
  selected?: boolean;
  currentRoundTripTime?: number;
  availableOutgoingBitrate?: number;
  packetsLost?: number;
  packetsReceived?: number;
  jitter?: number;
  selectedCandidatePairId?: string;
}

/** Running totals between two samples, for loss since the last one. */
export interface LossCounter {
  lost: number;
  received: number;
}

/**
 * The figures from one getStats() report (its values), with `prev` the totals of the previous
 * sample (updated in place) so that loss is recent, not since the call began.
 */
export function linkFigures(entries: Iterable<StatsEntry>, prev: LossCounter): LinkFigures {
  const list = [...entries];
  const transport = list.find((e) => e.type === "transport" && e.selectedCandidatePairId);
  const pair = list.find((e) => e.type === "candidate-pair" && (transport ? e.id === transport.selectedCandidatePairId : e.nominated && e.state === "succeeded"));
  const inbound = list.filter((e) => e.type === "inbound-rtp");
  const out: LinkFigures = {};
  if (pair?.currentRoundTripTime !== undefined) out.rttMs = pair.currentRoundTripTime * 1000;
  if (pair?.availableOutgoingBitrate !== undefined) out.availableKbps = pair.availableOutgoingBitrate / 1000;
  const jitters = inbound.map((e) => e.jitter).filter((j): j is number => j !== undefined);
  if (jitters.length) out.jitterMs = Math.max(...jitters) * 1000;
  const lost = inbound.reduce((n, e) => n + Math.max(0, e.packetsLost ?? 0), 0);
  const received = inbound.reduce((n, e) => n + (e.packetsReceived ?? 0), 0);
  const dLost = lost - prev.lost;
  const dReceived = received - prev.received;
  if (dLost + dReceived > 0 && dLost >= 0 && dReceived >= 0) out.lossPct = (100 * dLost) / (dLost + dReceived);
  prev.lost = lost;
  prev.received = received;
  return out;
}
