import { Hono } from "hono";

// Ponder requires an API file; the benchmark reads PostgreSQL directly and uses only Ponder's
// built-in /health, /ready and /status, so this serves nothing else.
const app = new Hono();

export default app;
