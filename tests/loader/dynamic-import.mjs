// A plain ES module with a dynamic import(), which tsx rewrites (with a source map) unless the loader exempts it.
export const loadPath = () => import('node:path');
