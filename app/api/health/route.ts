/** Liveness: the process answers. Readiness (database migrated, worker running) is /api/ready. */
export function GET() {
  return Response.json({ status: "ok", service: "hetumind", time: new Date().toISOString() });
}
