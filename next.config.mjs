// JavaScript, not TypeScript: `next start` would otherwise transpile the config at every start (docs/decisions/server-start-up.md).
/** @type {import("next").NextConfig} */
const nextConfig = {
  // The benches build and start a production server beside a running `next dev` (e2e tests): their own build dir.
  distDir: process.env.HETUMIND_NEXT_DIST_DIR || ".next",
  // PGlite ships WASM and data files it loads from its own package directory; QuickJS likewise.
  experimental: {
    // `next start` would load every page and route at start (~0.5 s of CPU here, ~40 entries) before it serves the
    // first request; each loads on its first request instead (docs/decisions/server-start-up.md).
    preloadEntriesOnStart: false,
  },
  serverExternalPackages: [
    "@electric-sql/pglite",
    "@electric-sql/pglite-pgvector",
    "@electric-sql/pglite-socket",
    "@jitl/quickjs-wasmfile-release-sync",
    "quickjs-emscripten-core",
  ],
};

export default nextConfig;
