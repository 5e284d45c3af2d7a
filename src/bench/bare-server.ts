import Fastify from "fastify";

/**
 * The baseline for `bench api`: a bare Fastify route, in its own process like the real server,
 * answering GET with the bytes it was given (the audited read's body) and nothing else.
 * Prints its URL on the first line of stdout.
 */
const body = process.env.BENCH_BODY ?? "{}";
const app = Fastify({ logger: false });
app.get("/bare", (_req, reply) => reply.type("application/json; charset=utf-8").send(body));
await app.listen({ host: "127.0.0.1", port: 0 });
const addr = app.server.address() as { port: number };
process.stdout.write(`http://127.0.0.1:${addr.port}\n`);
process.on("SIGTERM", () => void app.close().then(() => process.exit(0)));
