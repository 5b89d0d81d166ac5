import { css } from '../internal/element.ts';

/** .hp, the honeypot: off-screen rather than display:none, which some bots skip. */
export const complaintFormStyles = css`
  .hp {
    position: absolute;
    left: -10000px;
    width: 1px;
    height: 1px;
    overflow: hidden;
  }
  dl {
    margin: 0 0 1rem;
  }
  dt {
    font-weight: 600;
  }
  dd {
    margin: 0 0 0.5rem;
    font-family: ui-monospace, monospace;
    user-select: all;
  }
  ol {
    padding-left: 1.2rem;
  }
  time {
    margin-right: 0.5rem;
  }
`;
