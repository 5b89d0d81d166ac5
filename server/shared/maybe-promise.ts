/**
 * A value, or a promise of one. The hot paths answer without a promise where they can (a cached
 * site, a compiled query): a promise costs every later step of the request a microtask.
 */
export type MaybePromise<T> = T | PromiseLike<T>;

/**
 * Whether a maybe-promise is a promise: any thenable, not only a native Promise (graphql-jit and
 * yoga hand back thenables of their own). The one check, rather than `instanceof Promise` here
 * and a duck test there.
 */
export function isPromiseLike<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as PromiseLike<T> | null)?.then === 'function';
}
