import { describeTagSuite } from './tag-suite.ts';

// Every emotion tag the backend can emit changes the haru model (see tag-suite.ts).
describeTagSuite('haru', 'emotions');
