import { builder } from '../builder.ts';
import { tenantOf } from '../context.ts';
import { mutationErrorOptions } from '../shared/common.schema.ts';
import { inputFromZod } from '../shared/zod-input.ts';
import { createSiteInput, originsText, trackingPageUrlText, updateSiteInput } from './sites.input.ts';
import { createSite, listSites, rotateSiteKeys, updateSite, type SiteRow } from './sites.service.ts';


export const Site = builder.drizzleNode('sites', {
  name: 'Site',
  description: 'A website where widgets are embedded.',
  id: { column: (s) => s.id },
  // Read through node(id) too: a global id must not show sites to a key without admin.
  authScopes: { admin: true },
  fields: (t) => ({
    name: t.exposeString('name', { description: 'A name for people, e.g. the shop it serves.' }),
    publishableKey: t.exposeString('publishableKey', {
      description: 'pk_…: public; goes in the page as the widget\'s site-key attribute.',
    }),
    allowedOrigins: t.exposeStringList('allowedOrigins', { description: originsText }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the site was created.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When the site was last changed.' }),
    trackingPageUrl: t.exposeString('trackingPageUrl', { nullable: true, description: `${trackingPageUrlText} Null when not set.` }),
    keysRotatedAt: t.expose('keysRotatedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When rotateSiteKeys last replaced the keys; null if never.',
    }),
  }),
});

const SiteWithSecret = builder.objectRef<SiteRow>('SiteWithSecret').implement({
  description: 'A site together with its identity secret, returned only when the secret is made.',
  fields: (t) => ({
    site: t.field({ type: Site, description: 'The site.', resolve: (site) => site }),
    identitySecret: t.exposeString('identitySecret', {
      description: "Signs customer tokens on the company's backend (HS256). Shown once: store it now.",
    }),
  }),
});

const CreateSiteInput = inputFromZod('CreateSiteInput', createSiteInput, { description: 'A new site.' });

const UpdateSiteInput = inputFromZod('UpdateSiteInput', updateSiteInput, {
  description: 'Which site, and what to change; absent fields are kept.',
  extra: (t) => ({ id: t.globalID({ for: Site, required: true, description: 'The Site to change.' }) }),
});

const RotateSiteKeysInput = builder.inputType('RotateSiteKeysInput', {
  description: 'The site whose keys are replaced.',
  fields: (t) => ({ id: t.globalID({ for: Site, required: true, description: 'A Site id.' }) }),
});

const adminMutation = { authScopes: { admin: true }, errors: mutationErrorOptions } as const;

builder.queryFields((t) => ({
  sites: t.field({
    type: [Site],
    description: "The organization's sites, newest first. Needs the admin scope.",
    authScopes: { admin: true },
    resolve: (_root, _args, ctx) => listSites(tenantOf(ctx)),
  }),
}));

builder.mutationFields((t) => ({
  createSite: t.field({
    ...adminMutation,
    description: 'Creates a site with a new publishable key and identity secret.',
    type: SiteWithSecret,
    args: { input: t.arg({ type: CreateSiteInput, required: true, description: 'The site.' }) },
    resolve: (_root, args, ctx) => createSite(tenantOf(ctx), args.input),
  }),
  updateSite: t.field({
    ...adminMutation,
    description: 'Renames a site, replaces its allowed origins or sets its tracking page URL.',
    type: Site,
    args: { input: t.arg({ type: UpdateSiteInput, required: true, description: 'The site and what to change.' }) },
    resolve: (_root, { input: { id, ...patch } }, ctx) => updateSite(tenantOf(ctx), id.id, patch),
  }),
  rotateSiteKeys: t.field({
    ...adminMutation,
    type: SiteWithSecret,
    description: 'Issues a new publishable key and identity secret; the old ones stop working at once.',
    args: { input: t.arg({ type: RotateSiteKeysInput, required: true, description: 'The site.' }) },
    resolve: (_root, args, ctx) => rotateSiteKeys(tenantOf(ctx), args.input.id.id),
  }),
}));
