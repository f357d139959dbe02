/** Next.js start-up hook: opens the database (migrations) and starts the local driver in the server process. */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs" || process.env.HETUMIND_WORKER === "off") return;
  const { startServerWorker } = await import("./lib/engine/server-worker");
  await startServerWorker();
}
