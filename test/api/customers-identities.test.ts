import { encodeGlobalID } from '@pothos/plugin-relay';
import { describe, expect } from 'vitest';
import { test as it } from '../helpers/fixtures.ts';
import { customersOf, ok, rowCounts } from './customers-fixtures.ts';

// The file's API is built in a hook, under hookTimeout as before, not within the first test's time.
it.beforeAll(({ api: _ }) => {});

const channelsOf = (customer: any) =>
  customer.identities.map((i: any) => `${i.channel}:${i.value}`).sort();

describe('email and phone are identities', () => {
  it('are normalized (case, spaces, punctuation) on the profile and the identity', async ({ customers: a }) => {
    const c = ok(await a.create({ name: 'Norm', email: '  Norm.Al@Example.COM ', phone: '+86 138-0013 (8001)' }));
    expect(c.email).toBe('norm.al@example.com');
    expect(c.phone).toBe('+8613800138001');
    expect(channelsOf(c)).toEqual(['EMAIL:norm.al@example.com', 'PHONE:+8613800138001']);
  });

  it('customerByIdentity finds them by any spelling of the value', async ({ customers: a }) => {
    const c = ok(await a.create({ name: 'Findme', email: 'find.me@example.com', phone: '13900001111' }));
    expect((await a.byIdentity('EMAIL', 'FIND.ME@example.com'))?.id).toBe(c.id);
    expect((await a.byIdentity('EMAIL', ' find.me@EXAMPLE.com '))?.id).toBe(c.id);
    expect((await a.byIdentity('PHONE', '139 0000 1111'))?.id).toBe(c.id);
    expect((await a.byIdentity('PHONE', '139-0000-1111'))?.id).toBe(c.id);
    expect(await a.byIdentity('EMAIL', 'nobody@example.com')).toBeNull();
    // The channel matters: the email is not an SMS handle.
    expect(await a.byIdentity('SMS', '13900001111')).toBeNull();
  });

  it('customerByIdentity finds further identities given at create', async ({ customers: a }) => {
    const c = ok(await a.create({ identities: [{ channel: 'WECHAT', value: ' wx_find ' }, { channel: 'WEB', value: 'cookie-1' }] }));
    expect((await a.byIdentity('WECHAT', 'wx_find'))?.id).toBe(c.id);
    expect((await a.byIdentity('WEB', 'cookie-1'))?.id).toBe(c.id);
  });

  it('an identity repeated in the input (also as the email) is stored once; verified wins', async ({ customers: a }) => {
    const c = ok(
      await a.create({
        email: 'twice@example.com',
        identities: [
          { channel: 'EMAIL', value: 'TWICE@example.com', verified: true },
          { channel: 'WECHAT', value: 'dup' },
          { channel: 'WECHAT', value: 'dup' },
        ],
      }),
    );
    expect(channelsOf(c)).toEqual(['EMAIL:twice@example.com', 'WECHAT:dup']);
    expect(c.identities.find((i: any) => i.channel === 'EMAIL').verified).toBe(true);
  });

  it('another organization never finds them', async ({ api, customers: a }) => {
    ok(await a.create({ email: 'private@example.com' }));
    expect(await customersOf(api.asB).byIdentity('EMAIL', 'private@example.com')).toBeNull();
    // ...and may hold the same handle itself.
    const b = ok(await customersOf(api.asB).create({ email: 'private@example.com' }));
    expect((await customersOf(api.asB).byIdentity('EMAIL', 'private@example.com'))?.id).toBe(b.id);
  });
});

describe('updateCustomer keeps email and phone identities in step', () => {
  it('changing the email moves the identity', async ({ customers: a }) => {
    const c = ok(await a.create({ email: 'old@example.com' }));
    const updated = ok(await a.update(c.id, { email: 'New@Example.com' }));
    expect(updated.email).toBe('new@example.com');
    expect(channelsOf(updated)).toEqual(['EMAIL:new@example.com']);
    expect(await a.byIdentity('EMAIL', 'old@example.com')).toBeNull();
    expect((await a.byIdentity('EMAIL', 'new@example.com'))?.id).toBe(c.id);
    // The old address is free for someone else.
    expect(ok(await a.create({ email: 'old@example.com' })).email).toBe('old@example.com');
  });

  it('changing the phone moves the identity', async ({ customers: a }) => {
    const c = ok(await a.create({ phone: '+4930111111' }));
    const updated = ok(await a.update(c.id, { phone: '+49 30 222222' }));
    expect(channelsOf(updated)).toEqual(['PHONE:+4930222222']);
    expect(await a.byIdentity('PHONE', '+4930111111')).toBeNull();
    expect((await a.byIdentity('PHONE', '+4930222222'))?.id).toBe(c.id);
  });

  it('setting an email where there was none adds the identity', async ({ customers: a }) => {
    const c = ok(await a.create({ name: 'No mail yet' }));
    const updated = ok(await a.update(c.id, { email: 'first@example.com' }));
    expect(channelsOf(updated)).toEqual(['EMAIL:first@example.com']);
    expect((await a.byIdentity('EMAIL', 'first@example.com'))?.id).toBe(c.id);
  });

  it('clearing the email with null removes its identity, and keeps others', async ({ customers: a }) => {
    const c = ok(await a.create({ email: 'clear@example.com', phone: '+4930333333' }));
    const updated = ok(await a.update(c.id, { email: null }));
    expect(updated.email).toBeNull();
    expect(channelsOf(updated)).toEqual(['PHONE:+4930333333']);
    expect(await a.byIdentity('EMAIL', 'clear@example.com')).toBeNull();
  });

  it('re-sending the same email in another spelling changes nothing', async ({ customers: a }) => {
    const c = ok(await a.create({ email: 'same@example.com' }));
    const updated = ok(await a.update(c.id, { email: 'SAME@example.com' }));
    expect(updated.identities).toEqual(c.identities);
  });

  it('an email that this customer already holds as a further identity becomes the email', async ({ customers: a }) => {
    const c = ok(await a.create({ email: 'main@example.com', identities: [{ channel: 'EMAIL', value: 'alt@example.com' }] }));
    const updated = ok(await a.update(c.id, { email: 'alt@example.com' }));
    expect(updated.email).toBe('alt@example.com');
    expect(channelsOf(updated)).toEqual(['EMAIL:alt@example.com']);
  });
});

describe('addCustomerIdentity and removeCustomerIdentity', () => {
  it('adds a normalized identity that customerByIdentity then finds', async ({ customers: a }) => {
    const c = ok(await a.create({ name: 'Adder' }));
    const updated = ok(await a.addIdentity(c.id, { channel: 'SMS', value: '+86 139 1234 5678', verified: true }));
    expect(updated.identities).toEqual([expect.objectContaining({ channel: 'SMS', value: '+8613912345678', verified: true })]);
    expect((await a.byIdentity('SMS', '+8613912345678'))?.id).toBe(c.id);
  });

  it('adding an identity the customer already holds keeps one and can mark it verified', async ({ customers: a }) => {
    const c = ok(await a.create({ email: 'verify@example.com' }));
    const updated = ok(await a.addIdentity(c.id, { channel: 'EMAIL', value: 'Verify@example.com', verified: true }));
    expect(updated.identities).toEqual([expect.objectContaining({ channel: 'EMAIL', value: 'verify@example.com', verified: true })]);
    // A later unverified add does not take the verification back.
    const again = ok(await a.addIdentity(c.id, { channel: 'EMAIL', value: 'verify@example.com', verified: false }));
    expect(again.identities[0].verified).toBe(true);
  });

  it('adding an email identity to a customer without an email fills the email field', async ({ customers: a }) => {
    const c = ok(await a.create({ name: 'Mailless' }));
    const updated = ok(await a.addIdentity(c.id, { channel: 'EMAIL', value: 'filled@example.com' }));
    expect(updated.email).toBe('filled@example.com');
    const phoned = ok(await a.addIdentity(c.id, { channel: 'PHONE', value: '+4930444444' }));
    expect(phoned.phone).toBe('+4930444444');
    // A second email is a further identity; the profile email stays.
    const second = ok(await a.addIdentity(c.id, { channel: 'EMAIL', value: 'second@example.com' }));
    expect(second.email).toBe('filled@example.com');
    expect(channelsOf(second)).toEqual(['EMAIL:filled@example.com', 'EMAIL:second@example.com', 'PHONE:+4930444444']);
  });

  it('removing the email identity clears the email field', async ({ customers: a }) => {
    const c = ok(await a.create({ email: 'remove@example.com', phone: '+4930555555' }));
    const emailIdentity = c.identities.find((i: any) => i.channel === 'EMAIL');
    const updated = ok(await a.removeIdentity(emailIdentity.id));
    expect(updated.id).toBe(c.id);
    expect(updated.email).toBeNull();
    expect(updated.phone).toBe('+4930555555');
    expect(channelsOf(updated)).toEqual(['PHONE:+4930555555']);
    expect(await a.byIdentity('EMAIL', 'remove@example.com')).toBeNull();
    expect((await a.get(c.id))!.email).toBeNull();
  });

  it('removing the phone identity clears the phone field; other identities leave the profile alone', async ({ customers: a }) => {
    const c = ok(await a.create({ email: 'keep@example.com', phone: '+4930666666', identities: [{ channel: 'QQ', value: '99' }] }));
    const qq = c.identities.find((i: any) => i.channel === 'QQ');
    expect(ok(await a.removeIdentity(qq.id))).toMatchObject({ email: 'keep@example.com', phone: '+4930666666' });
    const phone = c.identities.find((i: any) => i.channel === 'PHONE');
    expect(ok(await a.removeIdentity(phone.id))).toMatchObject({ email: 'keep@example.com', phone: null });
  });

  it('removing an unknown identity, or one of another organization, is NotFoundError', async ({ api, customers: a }) => {
    const c = ok(await a.create({ email: 'mine@example.com' }));
    const result = await customersOf(api.asB).removeIdentity(c.identities[0].id);
    expect(result.__typename).toBe('NotFoundError');
    expect(channelsOf((await a.get(c.id))!)).toEqual(['EMAIL:mine@example.com']);
    const unknown = encodeGlobalID('CustomerIdentity', '00000000-0000-4000-8000-000000000000');
    expect((await a.removeIdentity(unknown)).__typename).toBe('NotFoundError');
    // A raw UUID is no longer an identity id: CustomerIdentity is a Relay node with a global id.
    expect((await a.removeIdentity('00000000-0000-4000-8000-000000000000')).__typename).toBe('ValidationError');
  });

  it('adding to an unknown customer is NotFoundError and writes nothing', async ({ api, customers: a }) => {
    const c = ok(await a.create({}));
    const before = await rowCounts(api);
    const result = await customersOf(api.asB).addIdentity(c.id, { channel: 'QQ', value: 'sneaky' });
    expect(result.__typename).toBe('NotFoundError');
    expect(await rowCounts(api)).toEqual(before);
  });
});
