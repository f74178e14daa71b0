import { afterEach, expect } from 'vitest';
import { Stage } from './stage.js';

// Every browser journey: a step that leaves an uncaught error, a console error or a failed
// request in any page of any open stage fails, unless the step declared that failure
// (`stage.expectFailures`) because it is the point of the step.
afterEach(() => {
  expect(Stage.takeProblems()).toEqual([]);
});
