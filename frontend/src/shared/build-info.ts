declare const __BUILD_VERSION__: string;

/** The package version baked in at build time (esbuild `define`). */
export const BUILD_VERSION: string = typeof __BUILD_VERSION__ === 'string' ? __BUILD_VERSION__ : 'dev';
