/** "Continue with GitHub / Google": one button per provider switched on by env (lib/auth/oauth-providers.ts), none otherwise. */
import { enabledOAuthProviders } from "@/lib/auth/oauth-providers";
import { oauthSignInAction } from "./actions";

export function OAuthButtons({ next }: { next?: string }) {
  const providers = enabledOAuthProviders();
  if (providers.length === 0) return null;
  return (
    <div data-testid="oauth-providers" style={{ display: "grid", gap: 8, marginBottom: 16 }}>
      {providers.map((provider) => (
        <form key={provider.id} action={oauthSignInAction}>
          <input type="hidden" name="provider" value={provider.id} />
          {next && <input type="hidden" name="next" value={next} />}
          <button type="submit" data-testid={`oauth-${provider.id}`} style={{ width: "100%", padding: "8px 16px" }}>
            Continue with {provider.name}
          </button>
        </form>
      ))}
      <div style={{ textAlign: "center", color: "#777", fontSize: 13 }}>or with email and password</div>
    </div>
  );
}
