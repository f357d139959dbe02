/**
 * Optional OAuth sign-in, switched on by environment: GitHub with `AUTH_GITHUB_ID` + `AUTH_GITHUB_SECRET`, Google with
 * `AUTH_GOOGLE_ID` + `AUTH_GOOGLE_SECRET` (Auth.js's own variable names; it reads the values itself). The sign-in page
 * shows a button per enabled provider; lib/auth/next-auth.ts registers them. An OAuth sign-in only ever claims an
 * account by a **verified** email (see `verifiedEmail`).
 */
import type { Provider } from "next-auth/providers";
import GitHub from "next-auth/providers/github";
import Google from "next-auth/providers/google";

export type OAuthProviderId = "github" | "google";

export interface OAuthProviderInfo {
  id: OAuthProviderId;
  name: string;
}

type Environment = Record<string, string | undefined>;

const PROVIDERS: ReadonlyArray<OAuthProviderInfo & { idVariable: string; secretVariable: string }> = [
  { id: "github", name: "GitHub", idVariable: "AUTH_GITHUB_ID", secretVariable: "AUTH_GITHUB_SECRET" },
  { id: "google", name: "Google", idVariable: "AUTH_GOOGLE_ID", secretVariable: "AUTH_GOOGLE_SECRET" },
];

/** The OAuth providers whose client id and secret are both set (non-empty), in a fixed order. */
export function enabledOAuthProviders(environment: Environment = process.env): OAuthProviderInfo[] {
  return PROVIDERS.filter((provider) => Boolean(environment[provider.idVariable]?.trim()) && Boolean(environment[provider.secretVariable]?.trim())).map(
    ({ id, name }) => ({ id, name }),
  );
}

interface GitHubEmail {
  email: string;
  primary: boolean;
  verified: boolean;
}

/**
 * GitHub: the profile's email is replaced by the account's verified primary address (else any verified one, else
 * none) read from /user/emails — Auth.js's default would take the primary address even when it is unverified.
 */
function gitHub(): Provider {
  const apiBaseUrl = "https://api.github.com";
  return GitHub({
    userinfo: {
      url: `${apiBaseUrl}/user`,
      async request({ tokens }: { tokens: { access_token?: string } }) {
        const headers = { authorization: `Bearer ${tokens.access_token}`, "user-agent": "hetumind" };
        const profile = (await (await fetch(`${apiBaseUrl}/user`, { headers })).json()) as Record<string, unknown>;
        const response = await fetch(`${apiBaseUrl}/user/emails`, { headers });
        const emails = response.ok ? ((await response.json()) as GitHubEmail[]) : [];
        const verified = emails.find((entry) => entry.primary && entry.verified) ?? emails.find((entry) => entry.verified);
        return { ...profile, email: verified?.email ?? null, email_verified: Boolean(verified) };
      },
    },
  });
}

/** The Auth.js provider objects for the enabled providers. */
export function oauthProviders(environment: Environment = process.env): Provider[] {
  return enabledOAuthProviders(environment).map((provider) => (provider.id === "github" ? gitHub() : Google));
}

/**
 * The address an OAuth profile may claim an account with: its email when the provider vouches for it (Google's
 * `email_verified`; our GitHub userinfo sets it), else undefined (the sign-in is refused).
 */
export function verifiedEmail(profile: { email?: string | null; email_verified?: unknown } | undefined): string | undefined {
  if (!profile || typeof profile.email !== "string" || profile.email.trim() === "") return undefined;
  return profile.email_verified === true ? profile.email : undefined;
}
