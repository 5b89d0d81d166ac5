import { builder } from '../builder.ts';
import { orgIdOf } from '../context.ts';
import { mutationErrors } from '../shared/common.schema.ts';
import { uuidArg } from '../shared/ids.ts';
import { createSite, listSites, rotateSiteKeys, updateSite, type SiteRow } from './sites.service.ts';

const Site = builder.objectRef<SiteRow>('Site').implement({
  description: 'A website where widgets are embedded.',
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    publishableKey: t.exposeString('publishableKey', {
      description: 'pk_…: public; goes in the page as the widget\'s site-key attribute.',
    }),
    allowedOrigins: t.exposeStringList('allowedOrigins'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    keysRotatedAt: t.expose('keysRotatedAt', { type: 'DateTime', nullable: true }),
  }),
});

const SiteWithSecret = builder.objectRef<SiteRow>('SiteWithSecret').implement({
  description: 'A site together with its identity secret, returned only when the secret is made.',
  fields: (t) => ({
    site: t.field({ type: Site, resolve: (site) => site }),
    identitySecret: t.exposeString('identitySecret', {
      description: "Signs customer tokens on the company's backend (HS256). Shown once: store it now.",
    }),
  }),
});

const UpdateSiteInput = builder.inputType('UpdateSiteInput', {
  fields: (t) => ({ name: t.string(), allowedOrigins: t.stringList() }),
});

const adminMutation = { authScopes: { admin: true }, errors: { types: mutationErrors } } as const;

builder.queryFields((t) => ({
  sites: t.field({
    type: [Site],
    authScopes: { admin: true },
    resolve: (_root, _args, ctx) => listSites(ctx.db, orgIdOf(ctx)),
  }),
}));

builder.mutationFields((t) => ({
  createSite: t.field({
    ...adminMutation,
    type: SiteWithSecret,
    args: { name: t.arg.string({ required: true }), allowedOrigins: t.arg.stringList({ required: true }) },
    resolve: (_root, args, ctx) => createSite(ctx.db, orgIdOf(ctx), args),
  }),
  updateSite: t.field({
    ...adminMutation,
    type: Site,
    args: { id: t.arg.id({ required: true }), input: t.arg({ type: UpdateSiteInput, required: true }) },
    resolve: (_root, args, ctx) => updateSite(ctx.db, orgIdOf(ctx), uuidArg(String(args.id), 'id', 'Site'), args.input),
  }),
  rotateSiteKeys: t.field({
    ...adminMutation,
    type: SiteWithSecret,
    description: 'Issues a new publishable key and identity secret; the old ones stop working at once.',
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => rotateSiteKeys(ctx.db, orgIdOf(ctx), uuidArg(String(args.id), 'id', 'Site')),
  }),
}));
