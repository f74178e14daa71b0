import { queryPreparer } from '@cipherpad/storage';
import type { Database } from './schema.js';

/**
 * Queries over the service's schema built and compiled once, then run with
 * new parameter values (see `queryPreparer`).
 */
export const prepareQuery = queryPreparer<Database>();
