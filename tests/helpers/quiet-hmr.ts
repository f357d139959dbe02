/**
 * next dev pushes rebuild events to every open page over its HMR socket, and the page refreshes or reloads: with other
 * files of the tree being edited while e2e tests run, a page can reload in the middle of a form. The socket itself must
 * stay (the dev client does not hydrate without it), so the test browser keeps it connected and drops only the
 * server's rebuild and reload messages.
 */
import type { BrowserContext, Page } from "playwright-core";

const DROPPED = new Set(["building", "built", "reloadPage", "serverComponentChanges", "staticParamsChanged", "addedPage", "removedPage", "turbopack-message"]);

function messageType(message: string | Buffer): string | undefined {
  if (typeof message !== "string" || !message.startsWith("{")) return undefined;
  try {
    return (JSON.parse(message) as { type?: string }).type;
  } catch {
    return undefined;
  }
}

export async function quietHotReload(context: BrowserContext): Promise<void> {
  // In CI nothing edits the tree; and on a cold `next dev` the page needs Turbopack's messages to load chunks compiled
  // after it opened (dropping them left a credentials test waiting for its result).
  if (process.env.CI) return;
  await context.routeWebSocket(/\/_next\/hmr/, (socket) => {
    const server = socket.connectToServer();
    server.onMessage((message) => {
      const type = messageType(message);
      if (type === undefined || !DROPPED.has(type)) socket.send(message);
    });
  });
}

/** Waits until React has hydrated the page's first form (its handlers attached), so clicks run the client code. */
export async function waitForHydration(page: Page, timeoutMs = 120_000): Promise<void> {
  await page.waitForFunction(
    () => {
      const form = document.querySelector("form");
      return form !== null && Object.keys(form).some((key) => key.startsWith("__reactProps"));
    },
    undefined,
    { timeout: timeoutMs },
  );
}
