/** decodeCsvBytes (sdk/schemas/encoding.ts): the one decoder the CLI and the server share for CSV imports. */
import { describe, expect, it } from "vitest";
import { csvEncoding, decodeCsvBytes, UndecodableTextError } from "../../src/sdk/schemas/encoding.js";

const refusal = (run: () => unknown): UndecodableTextError => {
  try {
    run();
  } catch (err) {
    if (err instanceof UndecodableTextError) return err;
    throw err;
  }
  throw new Error("expected an UndecodableTextError");
};

describe("decodeCsvBytes", () => {
  it("reads Windows-1252's 0x80-0x9F as Excel means them (€ ’ “ ”), not as C1 controls", () => {
    const bytes = Buffer.from([0x80, 0x20, 0x92, 0x93, 0x94, 0x20, 0xeb]);
    expect(decodeCsvBytes(bytes, "windows-1252").text).toBe("€ ’“” ë");
  });

  it("refuses the five bytes Windows-1252 leaves undefined, naming the line", () => {
    const err = refusal(() => decodeCsvBytes(Buffer.from("a\nb\nc\x81\n", "latin1"), "windows-1252", () => "advice"));
    expect(err.message).toBe("line 3 is not valid Windows-1252; advice");
    expect(err.line).toBe(3);
  });

  it("a BOM decides the encoding, whatever was asked, and is not part of the text", () => {
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("Zoë\n", "utf16le")]);
    expect(decodeCsvBytes(le, "windows-1252")).toEqual({ text: "Zoë\n", encoding: "utf-16le" });
    expect(decodeCsvBytes(Buffer.from("\ufeffZoë\n"))).toEqual({ text: "Zoë\n", encoding: "utf-8" });
  });

  it("a UTF-16 file cut in the middle of a character is refused on its last line", () => {
    const cut = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("a\nb", "utf16le"), Buffer.from([0x63])]);
    expect(refusal(() => decodeCsvBytes(cut)).message).toBe("line 2 is not valid UTF-16LE");
  });

  it("a lone surrogate in UTF-16 and an overlong UTF-8 sequence are refused, never decoded to U+FFFD", () => {
    const lone = Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from([0x00, 0x61, 0xd8, 0x00, 0x00, 0x62])]);
    expect(refusal(() => decodeCsvBytes(lone)).encoding).toBe("utf-16be");
    expect(refusal(() => decodeCsvBytes(Buffer.from([0x61, 0x0a, 0xc0, 0xaf]))).line).toBe(2);
  });

  it("knows the usual labels of the encodings, and nothing else", () => {
    expect([csvEncoding("UTF8"), csvEncoding("cp1252"), csvEncoding("Latin1"), csvEncoding("UTF-16")]).toEqual(["utf-8", "windows-1252", "windows-1252", "utf-16le"]);
    expect(csvEncoding("koi8-r")).toBeUndefined();
  });
});
