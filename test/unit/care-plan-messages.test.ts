import { describe, expect, it } from 'vitest';
import { careSettingsOf } from '../../server/care-plans/care-settings.ts';
import { renderMessage } from '../../server/care-plans/engine/messages.ts';
import { planFromRow, type CarePlanRow } from '../../server/care-plans/stored.ts';

describe('renderMessage: which template', () => {
  const templates = { en: 'Hello {name}', 'zh-CN': '{name}，您好', zh: '{name}你好', de: 'Hallo {name}' };

  it('the exact locale, case-insensitively', () => {
    expect(renderMessage(templates, 'zh-cn', { name: '李雷' })).toEqual({ locale: 'zh-CN', text: '李雷，您好' });
    expect(renderMessage(templates, 'de', { name: 'Ada' })).toEqual({ locale: 'de', text: 'Hallo Ada' });
  });

  it('zh-TW takes zh when there is one, never its sibling zh-CN', () => {
    expect(renderMessage(templates, 'zh-TW', { name: '李雷' })?.locale).toBe('zh');
    const { zh: _zh, ...noBareChinese } = templates;
    expect(renderMessage(noBareChinese, 'zh-TW', { name: '李雷' })?.locale).toBe('en');
    expect(renderMessage({ ...noBareChinese, 'zh-Hant': '{name}您好' }, 'zh-Hant-TW', {})?.locale).toBe('zh-Hant');
  });

  it('then en, then the alphabetically first; none at all is null', () => {
    expect(renderMessage(templates, 'fr-CA', {})?.locale).toBe('en');
    expect(renderMessage(templates, null, {})?.locale).toBe('en');
    expect(renderMessage({ 'zh-CN': 'b', de: 'a' }, 'fr', {})?.locale).toBe('de');
    expect(renderMessage({}, 'en', {})).toBeNull();
  });
});

describe('renderMessage: placeholders', () => {
  it('fills name, product and date (written out in the template’s locale)', () => {
    const values = { name: 'Ada', product: 'Kettle', date: '2027-02-28' };
    expect(renderMessage({ en: 'Hi {name}, how is your {product}? Since {date}.' }, 'en', values)?.text).toBe(
      'Hi Ada, how is your Kettle? Since February 28, 2027.',
    );
    expect(renderMessage({ 'zh-CN': '{name}，您的{product}（{date}）' }, 'zh-CN', values)?.text).toBe('Ada，您的Kettle（2027年2月28日）');
  });

  it('an unknown placeholder stays as typed; a value is never expanded again', () => {
    expect(renderMessage({ en: 'Hi {nmae} {name}' }, 'en', { name: '{product}' })?.text).toBe('Hi {nmae} {product}');
  });

  it('a missing value leaves no dangling separator', () => {
    expect(renderMessage({ en: 'Happy birthday, {name}!' }, 'en', {})?.text).toBe('Happy birthday!');
    expect(renderMessage({ en: 'Happy birthday {name}' }, 'en', { name: '  ' })?.text).toBe('Happy birthday');
    expect(renderMessage({ en: 'How is the {product} you bought?' }, 'en', {})?.text).toBe('How is the you bought?');
    expect(renderMessage({ en: 'Dear {name}, thank you' }, 'en', { name: null })?.text).toBe('Dear, thank you');
    expect(renderMessage({ 'zh-CN': '生日快乐，{name}！' }, 'zh-CN', {})?.text).toBe('生日快乐！');
  });
});

describe('planFromRow and careSettingsOf', () => {
  const row: CarePlanRow = {
    id: 'p',
    orgId: 'o',
    name: 'Birthday',
    active: true,
    triggerType: 'annual_date',
    trigger: { holiday: 'christmas' },
    audience: { tiers: ['A'] },
    action: { channel: 'sms', kind: 'greeting_holiday' },
    quietRules: {},
    exits: { onContact: false },
    assigneeAgentId: null,
    assigneeTeamId: null,
    maxLatenessSeconds: 3600,
    createdAt: '2026-12-03 18:00:00+00',
    updatedAt: '2026-12-03 18:00:00+00',
  };

  it('parses the jsonb parts and fills the defaults', () => {
    expect(planFromRow(row)).toEqual({
      id: 'p',
      orgId: 'o',
      name: 'Birthday',
      active: true,
      trigger: { type: 'annual_date', holiday: 'christmas' },
      audience: { tiers: ['A'], lifecycleStages: [], tags: [], specialNeeds: [], siteIds: [] },
      action: { channel: 'sms', kind: 'greeting_holiday', stage: null, automated: false, templates: {}, leadTimeSeconds: 0, localTime: '09:00' },
      quietRules: { weekdays: [], minDaysSinceContact: 0 },
      exits: { onContact: false, onOpenComplaint: true, onAudienceLeft: true },
      assigneeAgentId: null,
      assigneeTeamId: null,
      maxLatenessSeconds: 3600,
      createdAt: '2026-12-03T18:00:00.000Z',
    });
    expect(planFromRow({ ...row, triggerType: 'every', trigger: { days: 14, anchor: 'fixed', startsOn: '2027-01-04' } }).trigger).toEqual({
      type: 'every',
      days: 14,
      anchor: 'fixed',
      startsOn: '2027-01-04',
    });
  });

  it('a trigger that does not parse is an error, never a guess', () => {
    expect(() => planFromRow({ ...row, triggerType: 'silence', trigger: {} })).toThrow(/does not parse/);
  });

  it('care settings: the org zone, 2 per 7 days, no holidays by default; bad parts fall back', () => {
    expect(careSettingsOf({ timeZone: 'UTC', careSettings: null })).toEqual({
      timeZone: 'UTC',
      fatigueCap: { maxTouchpoints: 2, perDays: 7 },
      holidays: [],
    });
    expect(
      careSettingsOf({
        timeZone: 'Asia/Shanghai',
        careSettings: {
          fatigueCap: { maxTouchpoints: 3, perDays: 30 },
          holidays: [{ key: 'x', name: 'X', month: 5, day: 1 }, { key: 'y', name: 'Y', dates: ['2028-01-26', '2027-02-06', 'nope'] }, { bad: 1 }],
        },
      }),
    ).toEqual({
      timeZone: 'Asia/Shanghai',
      fatigueCap: { maxTouchpoints: 3, perDays: 30 },
      holidays: [
        { key: 'x', name: 'X', month: 5, day: 1 },
        { key: 'y', name: 'Y', dates: ['2027-02-06', '2028-01-26'] },
      ],
    });
    expect(careSettingsOf({ timeZone: 'Mars/Olympus', careSettings: { fatigueCap: { maxTouchpoints: 0, perDays: 7 } } }).fatigueCap).toEqual({
      maxTouchpoints: 2,
      perDays: 7,
    });
  });
});
