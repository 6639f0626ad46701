/** The format every voice step works in after resampling: 16 kHz mono float, 512-sample (32 ms) windows. */
export const INGEST_RATE = 16_000;
export const INGEST_WINDOW = 512;
