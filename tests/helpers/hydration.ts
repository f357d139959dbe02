import type { Page } from "playwright-core";

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
