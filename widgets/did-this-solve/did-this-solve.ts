import { CareloopDidThisSolve } from './did-this-solve.component.ts';

export { CareloopDidThisSolve };

if (!customElements.get('careloop-did-this-solve')) customElements.define('careloop-did-this-solve', CareloopDidThisSolve);

declare global {
  interface HTMLElementTagNameMap {
    'careloop-did-this-solve': CareloopDidThisSolve;
  }
}
