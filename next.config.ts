import type { NextConfig } from "next";

const nextConfig: NextConfig = {
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
