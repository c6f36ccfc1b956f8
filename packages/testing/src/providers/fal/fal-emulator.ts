import { defineEmulatedProvider } from '../../server/emulated-provider'

// PLACEHOLDER: replaced by the fal emulator (see the provider's protocol document).
export const falEmulator = defineEmulatedProvider({
  id: 'fal',
  defaultKey: 'emu-fal-key',
  environment: () => ({}),
  handlers: () => [],
  endpointOf: () => 'unknown',
  errorBody: (_status, message) => ({ error: message }),
})
