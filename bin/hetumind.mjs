#!/usr/bin/env node
// The `hetumind` command. Runs the TypeScript sources through tsx's loader (a runtime dependency), so `npx hetumind` works
// from a clone without a build step.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../lib/cli/main.ts");
process.exitCode = await main(process.argv.slice(2));
