/** Work on one key (an appointment) runs in order, one task at a time; a failure does not stop the queue. */
export class SerialQueues {
  private readonly chains = new Map<string, Promise<unknown>>();

  /** Runs `fn` after everything already queued for `key`. */
  run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.chains.get(key) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    const settled = next.catch(() => undefined);
    this.chains.set(key, settled);
    void settled.then(() => {
      if (this.chains.get(key) === settled) this.chains.delete(key);
    });
    return next;
  }
}
