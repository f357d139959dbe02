/**
 * A module loaded on first use and kept. Each `import()` of a module that is already loaded still resolves it again
 * (under a loader hook, a round trip to the hooks' thread); on a per-run path that adds up, so the promise is kept.
 * A failed load is not kept: the next call tries again.
 */
export function lazyModule<T>(load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | undefined;
  return () =>
    (loaded ??= load().catch((error: unknown) => {
      loaded = undefined;
      throw error;
    }));
}
