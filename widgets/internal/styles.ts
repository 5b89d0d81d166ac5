import { css } from './element.ts';

/**
 * Shared look. Every colour, the radius and the font are custom properties with defaults, and
 * system colours take over in forced-colors mode. There the browser picks the colours, so borders
 * and focus rings are what is left to tell controls apart: they win even over a page's ::part
 * styling (!important). In dark mode text on buttons is dark, on the lighter dark-mode accent.
 * (No comments inside the css`` text: it goes into the bundle as written.)
 */
export const baseStyles = css`
  :host {
    display: block;
    font: var(--careloop-font, inherit);
    --_accent: var(--careloop-accent, #1d4ed8);
    --_on-accent: var(--careloop-accent-text, #fff);
    --_bg: var(--careloop-background, #fff);
    --_fg: var(--careloop-text, #1f2937);
    --_border: var(--careloop-border, #6b7280);
    --_error: var(--careloop-error, #b91c1c);
    --_radius: var(--careloop-radius, 8px);
  }
  @media (prefers-color-scheme: dark) {
    :host {
      --_accent: var(--careloop-accent, #93c5fd);
      --_bg: var(--careloop-background, #111827);
      --_fg: var(--careloop-text, #f3f4f6);
      --_border: var(--careloop-border, #9ca3af);
      --_error: var(--careloop-error, #fca5a5);
      --_on-accent: var(--careloop-accent-text, #111827);
    }
  }
  [hidden] {
    display: none !important;
  }
  .card {
    background: var(--_bg);
    color: var(--_fg);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    padding: 1rem;
    max-width: 36rem;
  }
  fieldset {
    border: 0;
    margin: 0 0 1rem;
    padding: 0;
  }
  legend,
  label,
  .title {
    display: block;
    font-weight: 600;
    margin: 0 0 0.4rem;
  }
  .choice {
    display: inline-flex;
    gap: 0.3rem;
    align-items: center;
    font-weight: normal;
    margin-right: 0.8rem;
    min-height: 24px;
  }
  input,
  select,
  textarea {
    font: inherit;
    color: inherit;
    background: var(--_bg);
    border: 1px solid var(--_border);
    border-radius: calc(var(--_radius) / 2);
    padding: 0.4rem;
    box-sizing: border-box;
    width: 100%;
    margin-bottom: 0.8rem;
  }
  input[type='radio'],
  input[type='checkbox'] {
    width: auto;
    margin: 0;
    accent-color: var(--_accent);
  }
  button {
    font: inherit;
    cursor: pointer;
    border-radius: var(--_radius);
    border: 1px solid var(--_accent);
    background: var(--_accent);
    color: var(--_on-accent);
    padding: 0.45rem 1rem;
    margin-right: 0.5rem;
  }
  :focus-visible {
    outline: 3px solid var(--careloop-focus, var(--_accent));
    outline-offset: 2px;
  }
  .hint {
    font-size: 0.875em;
    margin: 0.2rem 0 0;
  }
  .error {
    color: var(--_error);
  }
  .status:empty {
    margin: 0;
  }
  @media (forced-colors: active) {
    .card,
    input,
    select,
    textarea,
    button {
      border: 1px solid CanvasText !important;
    }
    button {
      background: ButtonFace;
      color: ButtonText;
    }
    :focus-visible {
      outline: 3px solid Highlight !important;
    }
  }
`;
