// What the loader's `careloop.registerTranslation` fetches: the controller, in the common chunk.
export { registerTranslation } from './localize.ts';
