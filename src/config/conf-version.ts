/** The conf.yaml layout version this build writes and reads. Older files are migrated. */
export const CURRENT_CONF_VERSION = 2;
