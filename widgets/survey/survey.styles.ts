import { css } from '../internal/element.ts';

export const surveyStyles = css`
  .float {
    position: fixed;
    right: 1rem;
    bottom: 1rem;
    z-index: 2147483000;
    width: min(24rem, calc(100vw - 2rem));
    max-height: calc(100vh - 2rem);
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
  }
`;
