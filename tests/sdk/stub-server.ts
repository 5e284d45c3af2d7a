import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** One request the stub received. */
export interface Recorded {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** What the stub answers; `hangUp` closes the socket without a reply. */
export interface StubReply {
  status?: number;
  json?: unknown;
  text?: string;
  headers?: Record<string, string>;
  hangUp?: boolean;
}

export type StubHandler = (req: Recorded, index: number) => StubReply | Promise<StubReply>;

/** A real HTTP server on 127.0.0.1, port 0, that records requests and answers with `handler`. */
export interface Stub {
  url: string;
  requests: Recorded[];
  close(): Promise<void>;
}

/** Starts a stub server; close it in afterEach. */
export async function startStub(handler: StubHandler): Promise<Stub> {
  const requests: Recorded[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const recorded: Recorded = { method: req.method ?? "", url: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString("utf8") };
      requests.push(recorded);
      const reply = await handler(recorded, requests.length - 1);
      if (reply.hangUp) {
        req.socket.destroy();
        return;
      }
      const isProblem = (reply.status ?? 200) >= 400 && reply.json !== undefined;
      res.writeHead(reply.status ?? 200, {
        "content-type": isProblem ? "application/problem+json" : "application/json",
        ...reply.headers,
      });
      res.end(reply.text ?? (reply.json === undefined ? "" : JSON.stringify(reply.json)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** An RFC 9457 problem body as the tele server sends it. */
export function problem(status: number, code: string, detail: string, details?: unknown) {
  return { status, json: { type: "about:blank", title: code, status, code, detail, requestId: "req_test", details } };
}

/** A port on 127.0.0.1 that nothing listens on. */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
