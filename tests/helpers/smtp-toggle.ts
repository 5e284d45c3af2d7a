/** For end-to-end mail tests: a real SMTP server on loopback that can be told to refuse, and a wait for a condition. */
import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";

/** A loopback SMTP server that refuses every message while `refuse` is set (as a full mailbox would, 452). */
export async function toggleSmtp() {
  const received: { to: string; text: string }[] = [];
  const state = { refuse: false };
  const server = new SMTPServer({
    authOptional: true, disabledCommands: ["STARTTLS", "AUTH"], logger: false,
    onRcptTo(_address, _session, cb) {
      if (state.refuse) return cb(Object.assign(new Error("mailbox full, try again later"), { responseCode: 452 }));
      cb();
    },
    onData(stream, session, cb) {
      simpleParser(stream).then((m) => (received.push({ to: session.envelope.rcptTo[0]!.address, text: m.text ?? "" }), cb()), cb);
    },
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const port = (server.server.address() as { port: number }).port;
  return { url: `smtp://127.0.0.1:${port}`, received, state, close: () => new Promise<void>((ok) => server.close(() => ok())) };
}

/** Waits until `check` holds (the mail worker runs beside the requests). */
export async function until<T>(read: () => Promise<T>, check: (v: T) => boolean, what: string): Promise<T> {
  for (let i = 0; i < 100; i++) {
    const v = await read();
    if (check(v)) return v;
    await new Promise((ok) => setTimeout(ok, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

