/**
 * A store for @fastify/rate-limit over the database's rate-limit windows (RateLimitRepo), so the
 * count of a key is the same in every server process on one database (issue 13). The plugin's own
 * LocalStore would not do: it is one process's memory, it reads Date.now (a test's clock cannot
 * move it), and its LRU of 5,000 keys forgets the oldest when a flood brings more addresses.
 */
import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from "@fastify/rate-limit";
import type { RateLimitRepo } from "../db/repos.js";

type Done = (err: Error | null, res?: { current: number; ttl: number }) => void;

export function databaseStore(repo: () => RateLimitRepo, clock: () => number): FastifyRateLimitStoreCtor {
  return class DatabaseStore implements FastifyRateLimitStore {
    incr(key: string, done: Done, timeWindow: number): void {
      const now = clock();
      repo().hit(key, timeWindow, now).then((w) => done(null, { current: w.count, ttl: w.resetAt - now }), done);
    }

    /** Looking without counting (the plugin's `{ increment: false }`). */
    read(key: string, done: Done): void {
      const now = clock();
      repo().peek(key, now).then((w) => done(null, w ? { current: w.count, ttl: w.resetAt - now } : { current: 0, ttl: 0 }), done);
    }

    /** Every check shares the one table; the window comes with each call. */
    child(): FastifyRateLimitStore {
      return this;
    }
  };
}
