/** Service routes: health and the OpenAPI document. No token needed; nothing about orders. */
import { version } from "../../package.json";
import { openApiDocument } from "../openapi";
import { json } from "../respond";
import type { Handler } from "./context";

export const health: Handler = async () => json({ ok: true, version });

export const openapi: Handler = async () => json(openApiDocument());
