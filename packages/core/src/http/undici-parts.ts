/// <reference path="./undici-lib.d.ts" />
import type * as Undici from 'undici'
import api from 'undici/lib/api/index.js'
import AgentClass from 'undici/lib/dispatcher/agent.js'
import DispatcherClass from 'undici/lib/dispatcher/dispatcher.js'
import EnvHttpProxyAgentClass from 'undici/lib/dispatcher/env-http-proxy-agent.js'
import ProxyAgentClass from 'undici/lib/dispatcher/proxy-agent.js'

// undici's index loads all of undici (fetch, WebSocket, EventSource, cache stores, mocks): ~110 ms
// on this project's machines, against ~40 ms for the dispatchers core uses. undici has no `exports`
// map, so its files are importable; core pins undici's minor version (package.json) and
// undici-parts.test.ts checks each file against undici's index.

// As undici's index does: `request`, `stream`, `connect`, … on every dispatcher (ProxyAgent relies on `connect`).
Object.assign((DispatcherClass as { prototype: object }).prototype, api)

/** undici's connection-pooling dispatcher. */
export const Agent = AgentClass as typeof Undici.Agent
/** undici's proxy dispatcher. */
export const ProxyAgent = ProxyAgentClass as typeof Undici.ProxyAgent
/** undici's dispatcher that follows HTTP(S)_PROXY and NO_PROXY. */
export const EnvHttpProxyAgent = EnvHttpProxyAgentClass as typeof Undici.EnvHttpProxyAgent
export type Agent = Undici.Agent
export type ProxyAgent = Undici.ProxyAgent
