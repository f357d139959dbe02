/**
 * The client's address for rate limiting: the first `X-Forwarded-For` entry, else `X-Real-IP`. Behind no proxy these
 * headers are whatever the client sends, so set `HETUMIND_TRUST_PROXY=false` to ignore them (then there is no
 * per-IP limit: Next's Request does not expose the socket address).
 */
export function clientIp(request: Request | undefined): string | undefined {
  if (!request || process.env.HETUMIND_TRUST_PROXY === "false") return undefined;
  const forwarded = request.headers.get("x-forwarded-for")?.split(",")[0]?.trim();
  const address = forwarded || request.headers.get("x-real-ip")?.trim();
  return address && address.length <= 64 ? address : undefined;
}
