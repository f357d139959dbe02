export {
  collectDatabaseMetrics,
  metrics,
  METRICS_CONTENT_TYPE,
  observeNodeDuration,
  observeWebhookLatency,
  renderMetrics,
  timeWebhook,
  type HetumindMetrics,
} from "./metrics";
export { metricsRoute } from "./route";
