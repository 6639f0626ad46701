import { describeTagSuite } from './tag-suite.ts';

// Every emotion tag the backend can emit changes the shizuku model (see tag-suite.ts).
describeTagSuite('shizuku', 'emotions');
