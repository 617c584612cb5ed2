import { readConfig } from "../config";
import { fromEnvironment } from "./download-environment";
import { createDownloadHandler } from "./download-handler";

export const handler = createDownloadHandler(fromEnvironment(readConfig()));
