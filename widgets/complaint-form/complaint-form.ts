import { CareloopComplaintForm } from './complaint-form.component.ts';

export { CareloopComplaintForm };

if (!customElements.get('careloop-complaint-form')) customElements.define('careloop-complaint-form', CareloopComplaintForm);

declare global {
  interface HTMLElementTagNameMap {
    'careloop-complaint-form': CareloopComplaintForm;
  }
}
