/**
 * HTTP pieces the service and the keeper share: the table of declared routes
 * (405 with `Allow`, 414 for an over-long id), the answers to what Node's
 * parser refuses, the guard against input storage cannot hold, and the
 * choice among a file's precompressed variants.
 */
export { type ClientErrorCode, clientErrorAnswer } from './client-error.js';
export {
  CONTENT_CODINGS,
  type ContentCoding,
  chooseCoding,
  VARIANT_SUFFIX,
} from './content-coding.js';
export { type FrameworkErrorCode, frameworkErrorCode } from './framework-error.js';
export { RouteTable } from './route-table.js';
export { holdsNul, unstorableInput } from './unstorable-input.js';
