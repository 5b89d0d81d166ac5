import { z } from 'zod';
import { ValidationError } from './errors.ts';

/** Input limits: one place, so the API, the CLI and the docs agree. */
export const limits = {
  shortText: 200,
  longText: 5_000,
  listItems: 50,
  attributesBytes: 16_384,
  pageSize: 100,
  /** Allowed origins of one site. */
  allowedOrigins: 50,
  /**
   * How deep objects and arrays may nest inside a JSON value (customer attributes, a survey
   * answer's value): `{"a": 1}` is 1 deep. Far past any profile or answer, and far below where a
   * recursive reader (JSON.stringify, zod, the idempotency hash) runs out of stack.
   */
  jsonDepth: 16,
} as const;

// C0 and C1 control characters (Unicode category Cc) but tab, line feed and carriage return.
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
// Every control character, tab and line breaks included: for one-line text (names, keys, tags).
const CONTROL_OR_LINE_BREAK = /[\u0000-\u001F\u007F-\u009F]/;
// Half of a surrogate pair without its other half: not Unicode text, and PostgreSQL cannot store it.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

// Anything the checks below might refuse (a surrogate pair, e.g. an emoji, is fine but matches).
const SUSPECT = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uD800-\uDFFF]/;
const SUSPECT_ONE_LINE = /[\u0000-\u001F\u007F-\u009F\uD800-\uDFFF]/;

const codePoint = (text: string, index: number) => `U+${text.charCodeAt(index).toString(16).toUpperCase().padStart(4, '0')}`;

/**
 * Why `text` cannot be stored, or undefined: a control character (NUL included, which
 * PostgreSQL refuses in text and jsonb) other than tab, line feed and carriage return, or a
 * lone surrogate. With `oneLine`, tab and line breaks are refused too.
 */
export function textProblem(text: string, { oneLine = false } = {}): string | undefined {
  // Most text has none of these at all: one scan, then the precise ones only for what is left.
  if (!(oneLine ? SUSPECT_ONE_LINE : SUSPECT).test(text)) return undefined;
  const control = (oneLine ? CONTROL_OR_LINE_BREAK : CONTROL).exec(text);
  if (control) {
    return oneLine
      ? `must be one line without control characters (found ${codePoint(text, control.index)} at position ${control.index})`
      : `must not contain control characters other than tab and line breaks (found ${codePoint(text, control.index)} at position ${control.index})`;
  }
  const surrogate = LONE_SURROGATE.exec(text);
  if (surrogate) return `must be valid Unicode text (found a lone surrogate ${codePoint(text, surrogate.index)} at position ${surrogate.index})`;
  return undefined;
}

export interface JsonIssue {
  /** Inside the value, e.g. ["a", 0] */
  path: (string | number)[];
  message: string;
}

/**
 * The first problem of a JSON value, or undefined: objects and arrays nested more than
 * `limits.jsonDepth` deep, or a string (key or value) that textProblem refuses. Iterative, so
 * a value nested 100,000 deep is refused without running out of stack.
 */
export function jsonProblem(value: unknown, maxDepth: number = limits.jsonDepth): JsonIssue | undefined {
  const stack: { value: unknown; path: (string | number)[] }[] = [{ value, path: [] }];
  while (stack.length) {
    const { value: current, path } = stack.pop()!;
    if (typeof current === 'string') {
      const problem = textProblem(current);
      if (problem) return { path, message: problem };
      continue;
    }
    if (current === null || typeof current !== 'object') continue;
    if (path.length >= maxDepth) return { path, message: `must not nest objects and arrays more than ${maxDepth} deep` };
    if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i--) stack.push({ value: current[i], path: [...path, i] });
    } else {
      const keys = Object.keys(current);
      for (let i = keys.length - 1; i >= 0; i--) {
        const key = keys[i]!;
        const problem = textProblem(key);
        if (problem) return { path: [...path, key], message: `has a key that ${problem}` };
        stack.push({ value: (current as Record<string, unknown>)[key], path: [...path, key] });
      }
    }
  }
  return undefined;
}

/** A zod check for a JSON value: refuses what jsonProblem refuses, at the path it names. */
export const jsonChecked = <T extends z.ZodType>(schema: T) =>
  schema.superRefine((value, ctx) => {
    const problem = jsonProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', path: problem.path, message: problem.message, continue: false });
  });

/** A textProblem as a zod issue. */
const storable = (oneLine: boolean) => (text: string, ctx: z.RefinementCtx) => {
  const problem = textProblem(text, { oneLine });
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
};

/** One line (a name, a tag): no control characters at all, tab and line breaks included. */
export const shortText = (max: number = limits.shortText) =>
  z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`).superRefine(storable(true));

/** Free text: tab and line breaks allowed, other control characters not. */
export const longText = () =>
  z.string().max(limits.longText, `must be at most ${limits.longText} characters`).superRefine(storable(false));

export const boundedList = <T extends z.ZodType>(item: T, max: number = limits.listItems) =>
  z.array(item).max(max, `must have at most ${max} items`);

/**
 * `maxSize` for a connection field: a page larger than the limit is refused with a clear error
 * rather than cut short silently, which a client paging by `first` would take for the end.
 */
export function maxPageSize(args: { first?: number | null; last?: number | null }): number {
  for (const key of ['first', 'last'] as const) {
    const size = args[key];
    if (size != null && size > limits.pageSize) {
      throw ValidationError.single([key], `must be at most ${limits.pageSize}`);
    }
  }
  return limits.pageSize;
}
