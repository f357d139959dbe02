// JSON sign-in: POST {email, password, workspaceId?} -> 200 {user, workspaceId, workspaces} + the session cookie;
// 401 wrong password, 429 + Retry-After, 400 / 422 bad body. See lib/auth/password-sign-in-route.ts.
import { passwordSignInRoute } from "@/lib/auth/password-sign-in-route";

export const POST = passwordSignInRoute();
