/**
 * Reads a session page's Server-Sent Events stream the way a test needs it: `event: state`
 * messages parsed in order, waiting for the next one that matches, and whether the server closed it.
 */
/** Reads `event: state` messages off a Server-Sent Events response, in order. */
export function events(res: Response) {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const queue: any[] = [];
  const rtc: any[] = [];
  let buffer = "";
  let done = false;
  const pump = (async () => {
    for (;;) {
      const chunk = await reader.read().catch(() => ({ done: true, value: undefined }));
      if (chunk.done) return void (done = true);
      buffer += decoder.decode(chunk.value, { stream: true });
      let i: number;
      while ((i = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, i);
        buffer = buffer.slice(i + 2);
        const ev = /^event: (.+)$/m.exec(block)?.[1];
        const data = /^data: (.+)$/m.exec(block)?.[1];
        if (ev === "state" && data) queue.push(JSON.parse(data));
        if (ev === "rtc" && data) rtc.push(JSON.parse(data));
      }
    }
  })();
  const take = async (from: any[], pred: (e: any) => boolean, timeoutMs: number): Promise<any> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = from.findIndex(pred);
      if (i >= 0) return from.splice(0, i + 1).pop();
      if (done || Date.now() > deadline) throw new Error(`no matching event (got ${JSON.stringify(from)}, closed: ${done})`);
      await new Promise((ok) => setTimeout(ok, 20));
    }
  };
  return {
    all: queue,
    /** Waits for the next state event matching `pred` (skipping earlier ones). */
    next: (pred: (e: any) => boolean, timeoutMs = 5000): Promise<any> => take(queue, pred, timeoutMs),
    /** Waits for the next `event: rtc` message (built-in video signalling) matching `pred`. */
    nextRtc: (pred: (e: any) => boolean, timeoutMs = 5000): Promise<any> => take(rtc, pred, timeoutMs),
    closed: async (timeoutMs = 5000) => {
      await Promise.race([pump, new Promise((_, fail) => setTimeout(() => fail(new Error("stream still open")), timeoutMs))]);
      return done;
    },
    cancel: () => reader.cancel(),
  };
}

