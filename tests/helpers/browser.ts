/** Chromium for the browser tests: Debian's binary driven by playwright-core (never a downloaded browser). */
import { existsSync } from "node:fs";
import { chromium, type Browser, type Locator, type Page } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";
/** Whether the browser is installed (.ci/run installs it); e2e suites run only then. */
export const HAS_CHROMIUM = existsSync(CHROMIUM);

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
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

/**
 * Polls `locator`'s text (the first match) until it reads `final`; returns every text seen on the way, so a test can
 * tell a streamed reply (partial texts first) from one that arrived whole.
 */
export async function textsUntil(locator: Locator, final: string, timeoutMs = 60_000): Promise<string[]> {
  const seen: string[] = [];
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const text = (await locator.count()) > 0 ? ((await locator.first().textContent()) ?? "") : "";
    if (text && seen.at(-1) !== text) seen.push(text);
    if (text === final) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return seen;
}
