import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import { createContextFactory, type Context } from './context.ts';
import type { DatabaseHandle } from './db/client.ts';
import { corsForRequest } from './http/cors.ts';
import { maskError } from './http/mask-error.ts';
import { useHealth } from './http/use-health.ts';
import { schema } from './schema.ts';

export interface YogaOptions {
  database: DatabaseHandle;
  /** Yoga's logger; tests pass false. */
  logging?: boolean | 'debug' | 'info' | 'warn' | 'error';
  graphiql?: boolean;
}

export type CareloopYoga = YogaServerInstance<Record<string, never>, Context>;

export function createCareloopYoga({ database, logging = 'warn', graphiql = true }: YogaOptions): CareloopYoga {
  return createYoga<Record<string, never>, Context>({
    schema,
    context: createContextFactory(database.db),
    graphqlEndpoint: '/graphql',
    landingPage: false,
    graphiql: graphiql ? { title: 'careloop GraphiQL' } : false,
    cors: corsForRequest(database.db),
    logging,
    maskedErrors: { maskError },
    plugins: [useHealth(database.ping)],
  });
}
