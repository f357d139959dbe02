import { metricsRoute } from "@/lib/observability/route";

export const dynamic = "force-dynamic";
export const GET = metricsRoute();
