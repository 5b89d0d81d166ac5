// What earlier pages left in the submit queue, sent from a page without a careloop element (the loader imports this then).
import { startQueue } from './queue.ts';

startQueue();
