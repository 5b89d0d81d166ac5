import { and, eq } from 'drizzle-orm';
import { systemClock, type Clock } from '../clock/clock.ts';
import type { Database } from '../db/client.ts';
import { organizations, sites } from '../db/tables/index.ts';
import { createApiKey, createOrganization, type ApiKeyRow, type OrganizationRow } from '../organizations/organizations.service.ts';
import { ConflictError } from '../shared/errors.ts';
import { createSite, updateSite, type SiteRow } from '../sites/sites.service.ts';
import { createSurvey, type SurveyRow } from '../surveys/surveys.service.ts';
import { systemTenant } from '../tenant/tenant.ts';

export const DEMO_ORG = { name: 'Demo', slug: 'demo' } as const;
/** The demo page (/) shows the widgets of this site, with this survey and agent. */
export const DEMO_SITE_NAME = 'Demo site';
export const DEMO_SURVEY_KEY = 'demo-csat';
export const DEMO_AGENT_ID = 'agent-demo';

/** What a first start created. */
export interface DemoSeed {
  organization: OrganizationRow;
  /** The API key in clear: shown once, only its hash is stored. */
  apiKey: { key: string; row: ApiKeyRow };
  /** The site the demo page's widgets use; its origins are the server's own. */
  site: SiteRow;
  /** An active CSAT survey in en and zh-CN. */
  survey: SurveyRow;
  /** Agents are not records (yet): an id the demo's "did I help you?" question names. */
  agentId: string;
}

export interface SeedOptions {
  /** The demo site's allowed origins: the server's own (http://localhost:<PORT>). */
  origins?: string[];
  /** Business time of the rows made (the app's clock). */
  clock?: Clock;
}

const both = (en: string, zh: string) => [
  { locale: 'en', text: en },
  { locale: 'zh-CN', text: zh },
];

const demoSurvey = {
  key: DEMO_SURVEY_KEY,
  kind: 'csat',
  status: 'active',
  defaultLocale: 'en',
  title: both('How was our service today?', '您对今天的服务满意吗?'),
  questions: [
    { key: 'satisfaction', type: 'rating', required: true, labels: both('How satisfied are you? (1–5)', '您的满意度如何?(1–5)') },
    {
      key: 'channel',
      type: 'single_choice',
      labels: both('How did you reach us?', '您是通过什么方式联系我们的?'),
      options: [
        { key: 'web', labels: both('Website', '网站') },
        { key: 'phone', labels: both('Phone', '电话') },
        { key: 'chat', labels: both('Chat', '在线客服') },
      ],
    },
    { key: 'better', type: 'text', labels: both('What could we do better?', '我们还有哪些可以改进的地方?') },
  ],
  thankYou: both('Thank you for your feedback', '感谢您的反馈'),
};

/** The seeded demo site of the demo organization (undefined on a database seeded before it existed). */
export async function demoSite(db: Database): Promise<Pick<SiteRow, 'id' | 'orgId' | 'publishableKey' | 'allowedOrigins'> | undefined> {
  const [site] = await db
    .select({ id: sites.id, orgId: sites.orgId, publishableKey: sites.publishableKey, allowedOrigins: sites.allowedOrigins })
    .from(sites)
    .innerJoin(organizations, eq(organizations.id, sites.orgId))
    .where(and(eq(organizations.slug, DEMO_ORG.slug), eq(sites.name, DEMO_SITE_NAME)))
    .limit(1);
  return site;
}

/** The server's own origins for a port: what the demo page is opened at. */
export function demoOrigins(port: number, host?: string): string[] {
  const hosts = new Set(['localhost', '127.0.0.1', ...(host ? [host] : [])]);
  return [...hosts].map((h) => `http://${h}:${port}`);
}

/**
 * A later start on another PORT: the demo site allows the new origins instead of the server's
 * earlier ones (plain http on the same hosts), so the demo page keeps working and the list never
 * grows past its limit however often the port changes. Origins added by hand on other hosts stay.
 * Touches only the seeded demo site of the demo organization.
 */
export async function ensureDemoOrigins(db: Database, origins: string[], clock: Clock = systemClock): Promise<void> {
  const site = await demoSite(db);
  if (!site || origins.every((origin) => site.allowedOrigins.includes(origin))) return;
  const serverHosts = new Set(origins.map((origin) => new URL(origin).hostname));
  const earlierServerOrigin = (origin: string) => {
    const url = URL.parse(origin);
    return url?.protocol === 'http:' && serverHosts.has(url.hostname);
  };
  const kept = site.allowedOrigins.filter((origin) => !earlierServerOrigin(origin));
  await updateSite(systemTenant({ db, clock }, site.orgId, 'seed'), site.id, { allowedOrigins: [...kept, ...origins] });
}

/**
 * On an empty database (no organizations at all), creates the demo organization, a full-scope
 * API key, a site for the demo page and an active survey, in one transaction. Returns undefined when there was anything already, so it never
 * creates a second demo organization; two instances starting together on one empty PostgreSQL
 * collide on the slug and the loser creates nothing.
 */
export async function seedDemo(
  db: Database,
  { origins = demoOrigins(4000), clock = systemClock }: SeedOptions = {},
): Promise<DemoSeed | undefined> {
  if ((await db.$count(organizations)) > 0) return undefined;
  try {
    return await db.transaction(async (tx) => {
      const executor = tx as unknown as Database;
      if ((await executor.$count(organizations)) > 0) return undefined;
      const organization = await createOrganization({ db: executor, clock }, DEMO_ORG);
      const tenant = systemTenant({ db: executor, clock }, organization.id, 'seed');
      const apiKey = await createApiKey(tenant, { name: 'demo', scopes: ['read', 'write', 'admin'] });
      const site = await createSite(tenant, { name: DEMO_SITE_NAME, allowedOrigins: origins });
      const survey = await createSurvey(tenant, demoSurvey);
      return { organization, apiKey, site, survey, agentId: DEMO_AGENT_ID };
    });
  } catch (error) {
    if (error instanceof ConflictError) return undefined;
    throw error;
  }
}

/** The lines printed on the console after a first start seeded the demo data. */
export function describeDemoSeed(seed: DemoSeed, graphqlUrl: string): string {
  return [
    '',
    `Created the demo organization "${seed.organization.name}" (slug ${seed.organization.slug}).`,
    `Demo API key (shown once): ${seed.apiKey.key}`,
    'Only its hash is stored: copy it now. Use it as "Authorization: Bearer <key>" at',
    `${graphqlUrl} (in GraphiQL, under Headers). Create more with: npm run careloop -- key create --org ${seed.organization.slug} --scopes read,write,admin`,
    `The demo page at ${new URL('/', graphqlUrl).href} shows the widgets of "${seed.site.name}" (publishable key ${seed.site.publishableKey}),`,
    `with the survey "${seed.survey.key}"; read the answers with the API key: { feedback(first: 10) { edges { node { id } } } }.`,
    '',
  ].join('\n');
}
