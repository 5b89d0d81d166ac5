import { css } from '../internal/element.ts';

export const didThisSolveStyles = css`
  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
    align-items: center;
  }
  .actions .title {
    margin: 0 0.5rem 0 0;
  }
`;
