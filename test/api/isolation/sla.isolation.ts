import { expect } from 'vitest';
import { dataOf } from '../../helpers/api.ts';
import type { IsolationDomain } from '../../helpers/isolation.ts';
import { complaintGid, fileAt, SLA_FIELDS, updateSettings } from '../complaints-sla-fixtures.ts';

const SETTINGS = '{ complaintSettings { timeZone alwaysOpen openHours { weekday start end } holidays followUpDays targets { medium { firstResponseSeconds } } } }';

export const domain: IsolationDomain = {
  name: 'complaint SLA settings and clocks',
  snapshotQuery: SETTINGS,
  async setup(api) {
    const result = await updateSettings(api.asA, {
      timeZone: 'Europe/Berlin',
      holidays: ['2031-12-25'],
      followUpDays: 9,
      targets: { medium: { firstResponseSeconds: 7200 } },
    });
    expect(result.__typename).toBe('MutationUpdateComplaintSettingsSuccess');
    const site = await api.createSite();
    const complaint = await fileAt(api, api.withSite(site.publishableKey, site.origin));
    return { complaintId: complaint.id };
  },
  queries: {
    async complaintSettings(api, a) {
      // B reads its own defaults, never A's calendar.
      const b = dataOf(await api.asB.gql(SETTINGS)).complaintSettings;
      expect(b).toMatchObject({ timeZone: 'UTC', holidays: [], followUpDays: 3, targets: { medium: { firstResponseSeconds: 28800 } } });
      // A's complaint (and so its clocks) is not a node for B.
      const node = dataOf(
        await api.asB.gql(`query($id: ID!) { node(id: $id) { ... on Complaint { sla { ${SLA_FIELDS} } } } }`, { id: complaintGid(a.complaintId!) }),
      );
      expect(node.node).toBeNull();
    },
  },
  mutations: {
    async updateComplaintSettings(api, a) {
      // B's change is B's: A's settings (the snapshot) and A's clocks stay as they were.
      const result = await updateSettings(api.asB, { timeZone: 'America/New_York', targets: { medium: { firstResponseSeconds: 60 } } });
      expect(result.__typename).toBe('MutationUpdateComplaintSettingsSuccess');
      const node = dataOf(
        await api.asA.gql(`query($id: ID!) { node(id: $id) { ... on Complaint { sla { targetBusinessSeconds } } } }`, { id: complaintGid(a.complaintId!) }),
      );
      expect(node.node.sla.map((c: { targetBusinessSeconds: number }) => c.targetBusinessSeconds)).toEqual([7200, 72 * 3600]);
    },
  },
};
