export { describeProviderConformance } from './conformance/provider-conformance'
export type { ProviderConformanceOptions } from './conformance/provider-conformance'
