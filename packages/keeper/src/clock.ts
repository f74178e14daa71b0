/** Where the keeper reads the time; tests replace it. */
export interface Clock {
  now(): number;
}

/** The system's clock. */
export const systemClock: Clock = { now: () => Date.now() };
