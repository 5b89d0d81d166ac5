/**
 * Job kinds, typed: each kind names its payload (a zod schema, checked when it is enqueued and
 * again when it runs, since a row may outlive a deploy that changed the shape), its handler and
 * its retry budget; a periodic kind also names its period. The app's kinds are listed once in
 * kinds.ts; tests build registries of their own.
 */
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { Clock } from '../clock/clock.ts';
import type { Database } from '../db/client.ts';
import type { Executor } from '../db/transaction.ts';
import { enqueueJob, type EnqueueOptions, type Enqueued } from './enqueue.ts';

/** What a handler gets besides its payload. */
export interface JobContext {
  db: Database;
  /** Business time: the runner's clock (a TestClock in tests). */
  clock: Clock;
  logger: Logger;
  job: { id: string; kind: string; orgId: string | null; attempt: number; maxAttempts: number };
  /** Aborted when the runner stops and the deadline has come: the job is released, a later run redoes it. */
  signal: AbortSignal;
}

export const periods = { minute: 60_000, hour: 3_600_000 } as const;
export type Period = keyof typeof periods;

export interface JobDefinition<K extends string = string, P = unknown> {
  kind: K;
  /** What the job does, for `jobs list` readers and the next developer. */
  description: string;
  payload: z.ZodType<P>;
  /** Runs at least once per job: a handler must tolerate a second run (a lease lost mid-run). */
  handle(payload: P, ctx: JobContext): Promise<void>;
  /** Default for enqueue's maxAttempts. */
  maxAttempts?: number;
  /** Enqueued once per period across every instance, with `periodicPayload`, as a system job. */
  every?: Period;
  periodicPayload?: P;
}

export function defineJob<const K extends string, P>(definition: JobDefinition<K, P>): JobDefinition<K, P> {
  if (definition.every && definition.periodicPayload === undefined) {
    throw new Error(`periodic job ${definition.kind} needs a periodicPayload`);
  }
  return definition;
}

type AnyDefinition = JobDefinition<string, any>;
type PayloadOf<D> = D extends JobDefinition<string, infer P> ? P : never;

export interface JobRegistry<Defs extends readonly AnyDefinition[] = readonly AnyDefinition[]> {
  get(kind: string): AnyDefinition | undefined;
  readonly definitions: Defs;
  /** Enqueues in the caller's transaction (or statement): a rollback leaves no job. */
  enqueue<K extends Defs[number]['kind']>(
    tx: Executor,
    kind: K,
    payload: PayloadOf<Extract<Defs[number], { kind: K }>>,
    options: EnqueueOptions,
  ): Promise<Enqueued>;
}

export const DEFAULT_MAX_ATTEMPTS = 10;

export function createJobRegistry<const Defs extends readonly AnyDefinition[]>(definitions: Defs): JobRegistry<Defs> {
  const byKind = new Map<string, AnyDefinition>();
  for (const definition of definitions) {
    if (byKind.has(definition.kind)) throw new Error(`job kind ${definition.kind} is defined twice`);
    byKind.set(definition.kind, definition);
  }
  return {
    definitions,
    get: (kind) => byKind.get(kind),
    async enqueue(tx, kind, payload, options) {
      const definition = byKind.get(kind);
      if (!definition) throw new Error(`unknown job kind ${kind}`);
      return enqueueJob(tx, kind, definition.payload.parse(payload), {
        maxAttempts: definition.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
        ...options,
      });
    },
  };
}
