import { credentialTypeRoutes } from "@/lib/api/credentials/routes";

export const GET = credentialTypeRoutes().list;
