/** `npm run bench` runs every suite; `npm run bench -- <suite>` runs one. Each writes bench/results/<suite>.json. */
const SUITES: Record<string, () => Promise<unknown>> = {
  engine: () => import("./engine"),
  "sandbox-micro": () => import("./sandbox-micro"),
  webhook: () => import("./webhook"),
  agent: () => import("./agent"),
};

const requested = process.argv.slice(2).filter((argument) => !argument.startsWith("-"));
const unknown = requested.filter((name) => !(name in SUITES));
if (unknown.length > 0) {
  console.error(`unknown suite(s): ${unknown.join(", ")}; suites: ${Object.keys(SUITES).join(", ")}`);
  process.exit(2);
}
for (const name of requested.length > 0 ? requested : Object.keys(SUITES)) {
  console.log(`== ${name}`);
  await SUITES[name]();
}

export {};
