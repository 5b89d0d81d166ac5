import { html } from 'lit/html.js';

/** A 1–5 / 0–10 / 1–7 scale as a group of labelled radios: arrow keys move within it. */
export function scale(name: string, legend: string, from: number, to: number, hint: string, error = '') {
  const numbers = Array.from({ length: to - from + 1 }, (_, i) => from + i);
  return html`<fieldset part="field" aria-describedby="${name}-hint ${error ? `${name}-error` : ''}">
    <legend part="label">${legend}</legend>
    <div class="scale">
      ${numbers.map((n) => html`<label class="choice"><input type="radio" name=${name} value=${n} />${n}</label>`)}
    </div>
    <p id="${name}-hint" class="hint">${hint}</p>
    ${errorText(name, error)}
  </fieldset>`;
}

export const errorText = (name: string, error: string) => (error ? html`<p id="${name}-error" class="error">${error}</p>` : '');
