import { describeTagSuite } from './tag-suite.ts';

// Every motion and stage-cue tag the backend can emit changes the haru model (see tag-suite.ts).
describeTagSuite('haru', 'motions');
