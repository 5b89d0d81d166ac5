import pino from 'pino';
import { Writable } from 'node:stream';
import { expect, it, vi } from 'vitest';
import { onUnhandledRejection } from '../../server/main.ts';

it('an unawaited driver promise failing on a lost database is logged, not fatal; anything else exits 1', () => {
  const lines: any[] = [];
  const log = pino({ level: 'info' }, new Writable({ write: (chunk, _e, done) => (lines.push(JSON.parse(String(chunk))), done()) }));
  const exit = vi.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
  try {
    onUnhandledRejection(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }), log);
    expect(exit).not.toHaveBeenCalled();
    onUnhandledRejection(new TypeError('a bug'), log);
    expect(exit).toHaveBeenCalledWith(1);
  } finally {
    exit.mockRestore();
  }
  expect(lines.map((l) => [l.level, l.msg])).toEqual([
    [40, 'database unavailable (an unawaited driver promise)'],
    [60, 'unhandled promise rejection'],
  ]);
});
