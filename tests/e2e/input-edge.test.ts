/**
 * Input that lies about itself (issue 8), end to end: the real `tele` binary against the real server
 * on a loopback port over a real SQLite file. Control characters refused at the edge and never
 * printed; Excel's encodings imported with the right names; undecodable bytes refused by line;
 * Excel's empty tails accepted; an import whose reply was lost is replayed, never run twice.
 */
import { writeFileSync } from "node:fs";
import { createServer, connect, type Server } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorJson, openWorldDb, startWorld, tele, type E2eWorld } from "../helpers/e2e.js";

const ONE_LINE = "must be one line of text, without newlines or control characters";
const ESC = "\u001b";

// Each test spawns the binary several times; on a loaded machine that takes longer than the default 30 s.
describe("input that lies about itself, through the tele binary", { timeout: 90_000 }, () => {
  let w: E2eWorld;
  let n = 0;
  /** Writes `bytes` to a new file in the data dir and returns its path. */
  const file = (bytes: Buffer | string) => {
    const path = join(w.dataDir, `import-${++n}.csv`);
    writeFileSync(path, bytes);
    return path;
  };
  const clientNames = async () => (await tele(["clients", "list", "--json"], w.env)).json<{ name: string }[]>().map((c) => c.name);
  const importAudits = () => {
    const db = openWorldDb(w, { readonly: true });
    try {
      return (db.prepare("SELECT count(*) AS n FROM audit_log WHERE action = 'clients.import'").get() as { n: number }).n;
    } finally {
      db.close();
    }
  };

  beforeAll(async () => {
    w = await startWorld();
    const added = await tele(["staff", "add", "--name", "Tia Therapist", "--email", "tia@maple.test", "--role", "therapist"], w.env);
    expect(added.code, added.stderr).toBe(0);
    expect((await tele(["staff", "enable", "tia@maple.test"], w.env)).code).toBe(0);
  });
  afterAll(async () => {
    await w?.close();
  });

  it("a name with an escape sequence is refused before sending (exit 2), naming the flag", async () => {
    const r = await tele(["clients", "add", "--name", `${ESC}[2JEvil`, "--email", "evil@client.test", "--json"], w.env);
    expect(r.code).toBe(2);
    expect(errorJson(r.stderr)).toMatchObject({ code: "invalid_request", message: `--name ${ONE_LINE}` });
    expect(r.stderr).not.toContain(ESC);
  });

  it("a CSV row with control characters is refused by line (exit 6); nothing imported", async () => {
    const before = (await clientNames()).length;
    const path = file(`name,email,state\nAda,ada@client.test,NY\n"Bad${ESC}[31m",bad@client.test,NY\n`);
    const r = await tele(["clients", "import", path], w.env);
    expect(r.code).toBe(6);
    expect(r.stderr).toContain(`  line 3: name ${ONE_LINE}\n`);
    expect(r.stderr).not.toContain(ESC);
    expect(await clientNames()).toHaveLength(before);
  });

  it("old rows with escape sequences are printed escaped, never raw; --json keeps the value, escaped as JSON", async () => {
    const added = await tele(["clients", "add", "--name", "Old Row", "--email", "old@client.test", "--state", "NY", "--json"], w.env);
    const id = added.json<{ id: string }>().id;
    const evil = `${ESC}[31mRed${ESC}]0;title\u0007 \u009b2J \u202eabc`;
    const db = openWorldDb(w);
    db.prepare("UPDATE clients SET name = ? WHERE id = ?").run(evil, id);
    db.close();
    for (const args of [["clients", "list"], ["clients", "show", id]]) {
      const r = await tele(args, w.env);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout + r.stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
      expect(r.stdout).toContain("\\x1b[31mRed\\x1b]0;title\\x07 \\x9b2J \\u202eabc");
    }
    const json = await tele(["clients", "show", id, "--json"], w.env);
    expect(json.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
    expect(json.json().name).toBe(evil);
  });

  const rows = "name,email,state\nZoë,zoe@client.test,NY\nJosé,jose@client.test,NY\nO’Brien,obrien@client.test,NY\n";
  const cp1252 = (text: string) => Buffer.from(text.replace("’", "\u0092"), "latin1");

  it("a Windows-1252 file with bytes that are not UTF-8 is refused naming the line, and suggests --encoding", async () => {
    const r = await tele(["clients", "import", file(cp1252(rows)), "--json"], w.env);
    expect(r.code).toBe(2);
    expect(errorJson(r.stderr)).toMatchObject({ code: "invalid_encoding", message: "line 2 is not valid UTF-8; if the file came from Excel, try --encoding windows-1252" });
    expect(await clientNames()).not.toContain("Zo\uFFFD");
  });

  it("--encoding windows-1252 stores Zoë, José and O’Brien (0x92 is the curly quote)", async () => {
    const r = await tele(["clients", "import", file(cp1252(rows)), "--encoding", "windows-1252"], w.env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe("Imported 3 clients from 3 rows.\n");
    expect(await clientNames()).toEqual(expect.arrayContaining(["Zoë", "José", "O’Brien"]));
  });

  it("UTF-16LE and UTF-16BE files with a BOM, and UTF-8 with a BOM, are detected without a flag", async () => {
    const text = (tag: string) => rows.replace(/@client/g, `.${tag}@client`).replace(/Zoë|José|O’Brien/g, (m) => `${m} ${tag}`);
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text("le"), "utf16le")]);
    const be = Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text("be"), "utf16le").swap16()]);
    const u8 = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text("u8"))]);
    for (const bytes of [le, be, u8]) {
      const r = await tele(["clients", "import", file(bytes), "--json"], w.env);
      expect(r.code, r.stderr).toBe(0);
      expect(r.json()).toEqual({ dryRun: false, rows: 3, created: 3, errors: [] });
    }
    expect(await clientNames()).toEqual(expect.arrayContaining(["Zoë le", "José be", "O’Brien u8"]));
  });

  it("appointments import takes --encoding too; a bad --encoding is a usage error", async () => {
    const csv = "therapist,client,start,duration_minutes,telehealth\ntia@maple.test,zoe@client.test,2030-01-07T10:00,50,yes\n";
    const r = await tele(["appointments", "import", file(Buffer.from(csv, "utf16le")), "--encoding", "utf-16le", "--json"], w.env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json()).toMatchObject({ created: 1 });
    const bad = await tele(["appointments", "import", file(csv), "--encoding", "ebcdic"], w.env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("Error: --encoding must be one of utf-8, windows-1252, utf-16le, utf-16be\n");
  });

  it("Excel's empty trailing columns and rows are not errors", async () => {
    const path = file("name,email,state,,,\r\nPia,pia@client.test,NY,,,\r\nQuin,,,,,\r\n,,,,,\r\n,,,,,\r\n");
    const r = await tele(["clients", "import", path, "--json"], w.env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json()).toEqual({ dryRun: false, rows: 2, created: 2, errors: [] });
  });

  it("the same import run again is replayed, not imported twice; a dry run is checked afresh each time", async () => {
    const path = file("name,email,state\nRay,ray@client.test,NY\nSue,sue@client.test,NY\n");
    for (let i = 0; i < 2; i++) expect((await tele(["clients", "import", path, "--dry-run"], w.env)).stdout).toMatch(/^Dry run: 2 rows checked/);
    const before = (await clientNames()).length;
    const audits = importAudits();
    const first = await tele(["clients", "import", path], w.env);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toBe("");
    const again = await tele(["clients", "import", path], w.env);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toBe("Imported 2 clients from 2 rows.\n");
    expect(again.stderr).toContain("was already imported into this practice (same file)");
    expect(await clientNames()).toHaveLength(before + 2);
    expect(importAudits()).toBe(audits + 1);
  });

  describe("a lost reply", () => {
    let proxy: Server;
    let proxyUrl: string;
    let dropped = 0;
    beforeAll(async () => {
      // Forwards to the real server, but cuts the connection instead of passing on the first import's reply (after it committed).
      proxy = createServer((down) => {
        const up = connect(Number(new URL(w.server.url).port), "127.0.0.1");
        let doomed = false;
        down.on("data", (chunk) => {
          if (dropped === 0 && chunk.toString("latin1").startsWith("POST /api/v1/clients/import")) doomed = true;
          up.write(chunk);
        });
        up.on("data", (chunk) => {
          if (doomed) {
            dropped++;
            doomed = false;
            down.destroy();
            up.destroy();
            return;
          }
          down.write(chunk);
        });
        up.on("end", () => down.end());
        down.on("end", () => up.end());
        up.on("error", () => down.destroy());
        down.on("error", () => up.destroy());
      });
      await new Promise<void>((ok) => proxy.listen(0, "127.0.0.1", ok));
      proxyUrl = `http://127.0.0.1:${(proxy.address() as { port: number }).port}`;
    });
    afterAll(() => new Promise<void>((ok) => proxy.close(() => ok())));

    it("is retried with the file's key: the stored result comes back, nothing is imported twice, and the command succeeds", async () => {
      const path = file("name,email,state\nTed,ted@client.test,NY\nUma,uma@client.test,NY\nVic,vic@client.test,NY\n");
      const before = (await clientNames()).length;
      const audits = importAudits();
      const r = await tele(["clients", "import", path, "--json"], { ...w.env, TELE_URL: proxyUrl });
      expect(dropped).toBe(1);
      expect(r.code, r.stderr).toBe(0);
      expect(r.json()).toEqual({ dryRun: false, rows: 3, created: 3, errors: [] });
      expect(r.stderr).toContain("was already imported into this practice");
      expect(await clientNames()).toHaveLength(before + 3);
      expect(importAudits()).toBe(audits + 1);
    });
  });
});
