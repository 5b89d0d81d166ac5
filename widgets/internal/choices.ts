/**
 * Server enum values the widgets offer as choices. The widgets ship without the server's code,
 * so these are copies; test/widgets/enums.test.ts checks them against the server's enums.
 */
export const REASONS = ['not_solved', 'incomplete', 'wrong_answer', 'too_slow', 'other'] as const;
