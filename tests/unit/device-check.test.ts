/**
 * The device check's two pure decisions: which browser's steps a user agent gets (conservatively:
 * anything unclear gets the general steps), and what a getUserMedia failure means for the person.
 * The page itself is tested in real Chromium (tests/browser/session.test.ts).
 */
import { describe, expect, it } from "vitest";
import { browserOf, problemOf } from "../../src/browser/device-check.js";

const UA = {
  iphoneSafari: "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
  iphoneChrome: "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/126.0.6478.54 Mobile/15E148 Safari/604.1",
  ipadAsMac: "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15",
  androidChrome: "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36",
  androidSamsung: "Mozilla/5.0 (Linux; Android 14; SM-S921B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36",
  androidWebView: "Mozilla/5.0 (Linux; Android 14; Pixel 8; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/126.0.0.0 Mobile Safari/537.36",
  windowsChrome: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
  windowsEdge: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.2592.56",
  opera: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 OPR/111.0.0.0",
  firefox: "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:127.0) Gecko/20100101 Firefox/127.0",
  androidFirefox: "Mozilla/5.0 (Android 14; Mobile; rv:127.0) Gecko/127.0 Firefox/127.0",
  macSafari: "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15",
};

describe("browserOf", () => {
  it("names the browsers it has steps for", () => {
    expect(browserOf(UA.iphoneSafari, 5)).toBe("ios-safari");
    expect(browserOf(UA.ipadAsMac, 5)).toBe("ios-safari"); // iPadOS says Macintosh; the touch screen gives it away
    expect(browserOf(UA.androidChrome, 5)).toBe("android-chrome");
    expect(browserOf(UA.windowsChrome, 0)).toBe("chrome");
    expect(browserOf(UA.windowsEdge, 0)).toBe("chrome");
    expect(browserOf(UA.firefox, 0)).toBe("firefox");
    expect(browserOf(UA.macSafari, 0)).toBe("safari");
  });

  it("gives the general steps to anything it cannot be sure of", () => {
    expect(browserOf(UA.iphoneChrome, 5)).toBe("other");
    expect(browserOf(UA.androidSamsung, 5)).toBe("other");
    expect(browserOf(UA.androidWebView, 5)).toBe("other");
    expect(browserOf(UA.androidFirefox, 5)).toBe("other");
    expect(browserOf(UA.opera, 0)).toBe("other");
    expect(browserOf("", 0)).toBe("other");
  });
});

describe("problemOf", () => {
  it("reads getUserMedia's error names, old Chrome's included", () => {
    const err = (name: string) => ({ name, message: "" });
    expect(problemOf(err("NotAllowedError"))).toBe("refused");
    expect(problemOf(err("PermissionDeniedError"))).toBe("refused");
    expect(problemOf(err("NotReadableError"))).toBe("busy");
    expect(problemOf(err("TrackStartError"))).toBe("busy");
    expect(problemOf(err("NotFoundError"))).toBe("missing");
    expect(problemOf(err("DevicesNotFoundError"))).toBe("missing");
    expect(problemOf(err("OverconstrainedError"))).toBe("missing");
    expect(problemOf(null)).toBe("busy");
  });
});
