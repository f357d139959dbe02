// Auth.js (next-auth v5): sign-in pages, callbacks, session, CSRF. Config: lib/auth/next-auth.ts.
import { handlers } from "@/lib/auth/next-auth";

export const { GET, POST } = handlers;
