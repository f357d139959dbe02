export { route, type RouteInput, type RouteOptions, type NextRouteContext } from "./route";
export { errorResponse, statusForError, HTTP_STATUS_BY_CODE, type ErrorBody, type ErrorContext } from "./error-response";
export { readJsonBody, readBodyText, parseJsonBody, parseQuery, parsePathParams, validate, zodProblems, defaultMaxBodyBytes } from "./body";
export { InvalidJsonError, PayloadTooLargeError, UnsupportedMediaTypeError, RequestValidationError, type RequestProblem } from "./errors";
export { clientIp } from "./client-ip";
