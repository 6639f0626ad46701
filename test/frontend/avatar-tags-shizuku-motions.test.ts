import { describeTagSuite } from './tag-suite.ts';

// Every motion and stage-cue tag the backend can emit changes the shizuku model (see tag-suite.ts).
describeTagSuite('shizuku', 'motions');
