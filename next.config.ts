import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // The benches build and start a production server beside a running `next dev` (e2e tests): their own build dir.
  distDir: process.env.HETUMIND_NEXT_DIST_DIR || ".next",
  // PGlite ships WASM and data files it loads from its own package directory; QuickJS likewise.
  serverExternalPackages: [
    "@electric-sql/pglite",
    "@electric-sql/pglite-pgvector",
    "@electric-sql/pglite-socket",
    "@jitl/quickjs-wasmfile-release-sync",
    "quickjs-emscripten-core",
  ],
};

export default nextConfig;
