import { readConfig } from "../config";
import { createRenderHandler } from "./render-handler";
import { fromEnvironment } from "./render-environment";

export const handler = createRenderHandler(fromEnvironment(readConfig()));
