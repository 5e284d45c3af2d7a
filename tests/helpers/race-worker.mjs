// One "server" in its own thread (for raceServers in mailbox.ts) (its own SQLite connection, as a second process would have): waits at a
// shared barrier, then sends due reminders and delivers due mail at a fixed clock; posts what it did.
import { parentPort, workerData } from "node:worker_threads";

const { dist, file, now, smtpUrl, barrier, publicUrl } = workerData;
const { SqliteStore } = await import(`${dist}/server/db/sqlite/store.js`);
const { sendDueReminders } = await import(`${dist}/server/domain/notify/reminders.js`);
const { MailWorker } = await import(`${dist}/server/domain/mail/worker.js`);
const { smtpTransport } = await import(`${dist}/server/domain/mail/transports.js`);

const store = new SqliteStore(file);
const clock = () => now;
const flag = new Int32Array(barrier);
Atomics.add(flag, 0, 1);
while (Atomics.load(flag, 0) < workerData.parties) Atomics.wait(flag, 0, Atomics.load(flag, 0), 5);
const reminders = await sendDueReminders({ store, clock, config: { publicUrl } });
let delivered = 0;
const transport = await smtpTransport(smtpUrl, "tele <no-reply@tele.test>", () => new URL(publicUrl).hostname);
const counting = { deliver: async (m) => (await transport.deliver(m), delivered++), close: () => transport.close() };
const worker = new MailWorker({ store, transport: counting, clock });
await worker.pass();
await worker.stop();
await store.close();
parentPort.postMessage({ reminders, delivered });
