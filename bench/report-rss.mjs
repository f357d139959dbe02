// Preloaded into a benchmarked process: writes its peak RSS (KB) to HETUMIND_RSS_FILE when it exits.
import { writeFileSync } from "node:fs";

process.on("exit", () => {
  if (process.env.HETUMIND_RSS_FILE) writeFileSync(process.env.HETUMIND_RSS_FILE, String(process.resourceUsage().maxRSS));
});
