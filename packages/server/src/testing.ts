export { registerSite } from './sites/register-site.js';
export {
  deviceAuthorization,
  deviceRequest,
  type SigningDevice,
} from './testing/device-request.js';
export { documentedCodes } from './testing/documented-codes.js';
export { activateWithCode, type Enrolled, enroll } from './testing/enroll.js';
export {
  type FuzzedRoute,
  type MalformedRequest,
  malformedRequests,
} from './testing/malformed-requests.js';
export { signIn } from './testing/sign-in.js';
export {
  FakeClock,
  startTestService,
  type TestService,
  testDialect,
  testPostgresUrl,
} from './testing/test-service.js';
