import { defineEmulatedProvider } from '../../server/emulated-provider'

// PLACEHOLDER: replaced by the replicate emulator (see the provider's protocol document).
export const replicateEmulator = defineEmulatedProvider({
  id: 'replicate',
  defaultKey: 'emu-replicate-key',
  environment: () => ({}),
  handlers: () => [],
  endpointOf: () => 'unknown',
  errorBody: (_status, message) => ({ error: message }),
})
