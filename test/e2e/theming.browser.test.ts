import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../process/processes.ts';
import { skipBrowserTests, startBrowserHarness, type BrowserHarness } from './browser.ts';
import { createTestSurvey, openTestPage } from './pages.ts';

let h: BrowserHarness;

const components = {
  'careloop-did-this-solve': 'widgets/did-this-solve/did-this-solve.component.ts',
  'careloop-survey': 'widgets/survey/survey.component.ts',
  'careloop-complaint-form': 'widgets/complaint-form/complaint-form.component.ts',
} as const;
type Tag = keyof typeof components;

/** `#1f2937` → `rgb(31, 41, 55)`, as getComputedStyle spells it. */
function rgb(hex: string): string {
  const full = hex.length == 4 ? hex.replace(/[0-9a-f]/gi, (d) => d + d) : hex;
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(full.slice(i, i + 2), 16));
  return `rgb(${r}, ${g}, ${b})`;
}

/** The defaults a component's JSDoc gives for a custom property: `Default: #fff (#111827 in dark mode)`. */
function documented(tag: Tag, property: string): { light?: string; dark?: string } {
  const source = readFileSync(join(repoRoot, components[tag]), 'utf8');
  const line = new RegExp(`@cssprop ${property} - .*`).exec(source)?.[0] ?? '';
  const match = /Default: (#[0-9a-f]{3,6})(?: \((#[0-9a-f]{3,6}) in dark mode\))?/i.exec(line);
  return { light: match?.[1], dark: match?.[2] };
}

/** Computed colours of a widget's card and of its first button (the element `part=button` names). */
const colours = (page: Page, selector: string) =>
  page.locator(selector).evaluate((host) => {
    const root = host.shadowRoot!;
    const card = getComputedStyle(root.querySelector('[part=card]')!);
    const button = root.querySelector('[part~=button]');
    const b = button && getComputedStyle(button);
    return {
      background: card.backgroundColor,
      text: card.color,
      radius: card.borderTopLeftRadius,
      button: b && { background: b.backgroundColor, text: b.color, radius: b.borderTopLeftRadius },
    };
  });

/** The value a system colour (Highlight, CanvasText…) has on this page now. */
const systemColour = (page: Page, name: string) =>
  page.evaluate((name) => {
    const probe = document.createElement('span');
    probe.style.color = name;
    document.body.append(probe);
    const value = getComputedStyle(probe).color;
    probe.remove();
    return value;
  }, name);

const themedStyle = `
  #themed {
    --careloop-background: rgb(250, 240, 230);
    --careloop-text: rgb(60, 50, 40);
    --careloop-accent: rgb(0, 100, 0);
    --careloop-accent-text: rgb(255, 255, 0);
    --careloop-radius: 3px;
  }
  #parted::part(button) {
    background-color: rgb(128, 0, 128);
    color: rgb(0, 255, 255);
    border-radius: 0px;
  }
`;

describe.skipIf(skipBrowserTests)('widget theming: colour schemes, custom properties, ::part, forced colours', () => {
  beforeAll(async () => {
    h = await startBrowserHarness();
    await createTestSurvey(h, 'theme-survey');
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  it('dark mode uses the dark defaults the JSDoc documents; --careloop-* properties and ::part(button) from the page still win', async () => {
    const page = await openTestPage(
      h,
      `<careloop-did-this-solve id="plain" site-key="{{siteKey}}" subject="test:theme"></careloop-did-this-solve>
       <careloop-survey id="survey" site-key="{{siteKey}}" survey="theme-survey" inline></careloop-survey>
       <careloop-complaint-form id="complaint" site-key="{{siteKey}}"></careloop-complaint-form>
       <careloop-did-this-solve id="themed" site-key="{{siteKey}}" subject="test:theme"></careloop-did-this-solve>
       <careloop-did-this-solve id="parted" site-key="{{siteKey}}" subject="test:theme"></careloop-did-this-solve>`,
      { style: themedStyle },
    );
    await page.locator('#survey form').waitFor();
    const plain: [string, Tag][] = [
      ['#plain', 'careloop-did-this-solve'],
      ['#survey', 'careloop-survey'],
      ['#complaint', 'careloop-complaint-form'],
    ];

    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      expect(await page.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches)).toBe(scheme == 'dark');
      for (const [selector, tag] of plain) {
        const background = documented(tag, '--careloop-background')[scheme];
        const text = documented(tag, '--careloop-text')[scheme];
        expect(background, `${tag}: the JSDoc documents the ${scheme} background`).toBeDefined();
        expect(text, `${tag}: the JSDoc documents the ${scheme} text colour`).toBeDefined();
        const accent = documented(tag, '--careloop-accent')[scheme];
        const onAccent = documented(tag, '--careloop-accent-text')[scheme];
        expect(accent, `${tag}: the JSDoc documents the ${scheme} accent`).toBeDefined();
        expect(onAccent, `${tag}: the JSDoc documents the ${scheme} text on buttons`).toBeDefined();
        expect(await colours(page, selector), `${tag} in ${scheme} mode`).toMatchObject({
          background: rgb(background!),
          text: rgb(text!),
          button: { background: rgb(accent!), text: rgb(onAccent!) },
        });
      }
      // The page's custom properties override both schemes' defaults, the text on buttons included.
      expect(await colours(page, '#themed'), `themed in ${scheme} mode`).toEqual({
        background: 'rgb(250, 240, 230)',
        text: 'rgb(60, 50, 40)',
        radius: '3px',
        button: { background: 'rgb(0, 100, 0)', text: 'rgb(255, 255, 0)', radius: '3px' },
      });
      // ::part(button) from the page beats the component's own button style.
      expect((await colours(page, '#parted')).button, `::part(button) in ${scheme} mode`).toEqual({
        background: 'rgb(128, 0, 128)',
        text: 'rgb(0, 255, 255)',
        radius: '0px',
      });
    }
    await page.close();
  });

  it('forced colours: every control keeps a visible border and a focus ring, even where the page flattened them through ::part', async () => {
    const page = await openTestPage(
      h,
      `<careloop-did-this-solve site-key="{{siteKey}}" subject="test:forced" agent-id="agent-demo"></careloop-did-this-solve>
       <careloop-survey site-key="{{siteKey}}" survey="theme-survey"></careloop-survey>
       <careloop-complaint-form site-key="{{siteKey}}"></careloop-complaint-form>`,
      {
        // A flat theme: no borders, no focus ring of the widgets' own.
        style: `*::part(button), *::part(close), *::part(field), *::part(card) { border: none; }
                *::part(button):focus-visible, *::part(close):focus-visible, *::part(field):focus-visible { outline: none; }`,
      },
    );
    await page.locator('careloop-survey form').waitFor();
    /** Every control and card of every widget: tag, border (style, width, colour), and background. */
    const borders = () =>
      page.evaluate(() =>
        [...document.querySelectorAll('careloop-did-this-solve, careloop-survey, careloop-complaint-form')].flatMap((host) =>
          [...host.shadowRoot!.querySelectorAll('.card, button, select, textarea, input:not([type=radio], [type=checkbox], [tabindex="-1"])')].map((el) => {
            const s = getComputedStyle(el);
            return {
              control: `${host.localName} ${el.localName}${el.getAttribute('part') ? `[part=${el.getAttribute('part')}]` : ''}${el.id ? `#${el.id}` : ''}`,
              border: `${s.borderTopStyle} ${s.borderTopWidth} ${s.borderTopColor}`,
              bottom: `${s.borderBottomStyle} ${s.borderBottomWidth}`,
            };
          }),
        ),
      );
    // The flat theme applies: without forced colours its buttons have no border.
    const flat = await borders();
    expect(flat.length).toBeGreaterThanOrEqual(12);
    expect(flat.find((c) => c.control == 'careloop-did-this-solve button[part=button]')?.border).toMatch(/^none 0px/);

    await page.emulateMedia({ forcedColors: 'active' });
    expect(await page.evaluate(() => matchMedia('(forced-colors: active)').matches)).toBe(true);
    const canvasText = await systemColour(page, 'CanvasText');
    const forced = await borders();
    expect(forced.map((c) => c.control)).toEqual(flat.map((c) => c.control));
    for (const control of forced) {
      expect(control, control.control).toEqual({ control: control.control, border: `solid 1px ${canvasText}`, bottom: 'solid 1px' });
    }

    // Focus: Tab through every widget; each control focused shows a 3px ring in Highlight.
    const highlight = await systemColour(page, 'Highlight');
    const seen = new Set<string>();
    for (let i = 0; i < 40; i++) {
      await page.keyboard.press('Tab');
      const ring = await page.evaluate(() => {
        let active = document.activeElement;
        while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
        if (!active || !(active.getRootNode() instanceof ShadowRoot)) return null;
        const s = getComputedStyle(active);
        const host = (active.getRootNode() as ShadowRoot).host.localName;
        return {
          control: `${host} ${active.localName}${active.id ? `#${active.id}` : ''}${active.getAttribute('aria-label') ? `[${active.getAttribute('aria-label')}]` : ''}`,
          visible: active.matches(':focus-visible'),
          outline: `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}`,
        };
      });
      if (!ring) continue;
      seen.add(ring.control);
      expect(ring, ring.control).toEqual({ control: ring.control, visible: true, outline: `solid 3px ${highlight}` });
    }
    // The walk reached controls of all three widgets, the survey card's close button among them.
    expect([...seen]).toEqual(
      expect.arrayContaining([
        'careloop-did-this-solve button',
        'careloop-survey button[Close]',
        'careloop-survey input',
        'careloop-complaint-form select#category',
        'careloop-complaint-form textarea#description',
        'careloop-complaint-form input#email',
      ]),
    );
    await page.close();
  });
});
