// How many cases a property test tries. The unit layer samples a few hundred per property, enough to
// catch a broken invariant on most runs while staying fast; PROPERTY_RUNS=full (`npm run test:deep`)
// runs the depth each test names, for a nightly job or after touching a parser.
const SAMPLE = 200;

export function propertyRuns(full: number): number {
  return process.env.PROPERTY_RUNS === 'full' ? full : Math.min(full, SAMPLE);
}
