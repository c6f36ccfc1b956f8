import { defineEmulatedProvider } from '../../server/emulated-provider'

// PLACEHOLDER: replaced by the runway emulator (see the provider's protocol document).
export const runwayEmulator = defineEmulatedProvider({
  id: 'runway',
  defaultKey: 'emu-runway-key',
  environment: () => ({}),
  handlers: () => [],
  endpointOf: () => 'unknown',
  errorBody: (_status, message) => ({ error: message }),
})
