import { CareloopSurvey } from './survey.component.ts';

export { CareloopSurvey };

if (!customElements.get('careloop-survey')) customElements.define('careloop-survey', CareloopSurvey);

declare global {
  interface HTMLElementTagNameMap {
    'careloop-survey': CareloopSurvey;
  }
}
