/** The app's one http, Camunda client and pingpin API (browser only; tests build their own). */
import { createHttp } from './http';
import { createCamunda } from './camunda';
import { tasklistApi } from '../../tasklist/api';

export const http = createHttp({ fetch: (request) => window.fetch(request), location: window.location });
export const camunda = createCamunda(http, window.location.origin);
export const api = tasklistApi(http);
