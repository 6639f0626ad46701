import { describeTagSuite } from './tag-suite.ts';

// Every emotion, motion and stage cue the backend can emit changes the haru model (see tag-suite.ts).
describeTagSuite('haru');
