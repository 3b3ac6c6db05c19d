// Disclosure engine throughput: decisions per second over a realistic mix of items and all 21
// regions' rules. Prints numbers; it is not a test. Run with `npm run bench:disclosure`.
import { performance } from 'node:perf_hooks';
import { DEFAULT_POLICIES, evaluate } from '../dist/disclosure/index.js';

const TYPES = ['note', 'note', 'note', 'diagnosis', 'careContact', 'labResult', 'labResult', 'imagingResult', 'referralOutcome', 'medication', 'vaccination', 'alert'];
const N = 200_000;
const now = new Date('2026-11-23T12:00:00+01:00');
let seed = 42;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);

const items = Array.from({ length: N }, (_, i) => ({
  id: `i${i}`,
  infoType: TYPES[Math.floor(rand() * TYPES.length)],
  time: new Date(now.getTime() - Math.floor(rand() * 3 * 365) * 86_400_000),
  signed: rand() > 0.2,
  validated: rand() > 0.3,
  approvedForPatient: rand() > 0.02,
  specialty: rand() > 0.9 ? 'psychiatry' : 'general',
  inpatient: rand() > 0.7,
}));
const choices = { showUnsigned: false, hideRecent: false };

function run() {
  let visible = 0;
  const start = performance.now();
  for (let i = 0; i < N; i++) {
    if (evaluate(items[i], DEFAULT_POLICIES[i % DEFAULT_POLICIES.length], choices, now).visible) visible++;
  }
  return { ms: performance.now() - start, visible };
}

run(); // warm up
const rounds = [run(), run(), run()].sort((a, b) => a.ms - b.ms);
const best = rounds[0];
const perSecond = Math.round(N / (best.ms / 1000));
const perItemUs = ((best.ms * 1000) / N).toFixed(2);
console.log(`items: ${N}, visible: ${best.visible}, best of 3: ${best.ms.toFixed(0)} ms`);
console.log(`disclosure: ${perSecond} decisions/s, ${perItemUs} µs per item; a 1,000-item record in ${(best.ms / N * 1000).toFixed(2)} ms`);
