import { css } from '../internal/element.ts';

/**
 * The floating card fits any viewport down to 320 px (border-box: its padding is inside its
 * width), and a scale is one row of equal columns, the number under its radio: 0–10 fits in
 * 270 px at 24.5 px a column (the 24 px minimum target), so NPS stays on one row at 320 px.
 */
export const surveyStyles = css`
  .float {
    position: fixed;
    right: 0.5rem;
    bottom: 0.5rem;
    z-index: 2147483000;
    box-sizing: border-box;
    width: min(24rem, calc(100vw - 1rem));
    max-height: calc(100vh - 1rem);
    overflow: auto;
    box-shadow: 0 4px 24px rgb(0 0 0 / 0.2);
  }
  .head {
    display: flex;
    justify-content: space-between;
    align-items: start;
  }
  .close {
    background: transparent;
    color: inherit;
    border-color: transparent;
    padding: 0 0.4rem;
    margin: 0;
    min-width: 24px;
    min-height: 24px;
  }
  .scale {
    display: grid;
    grid-auto-flow: column;
    grid-auto-columns: 1fr;
  }
  .scale .choice {
    flex-direction: column;
    gap: 0;
    margin: 0;
    min-width: 24px;
  }
`;
