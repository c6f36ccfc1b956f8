import { defineEmulatedProvider } from '../../server/emulated-provider'

// PLACEHOLDER: replaced by the arta emulator (see the provider's protocol document).
export const artaEmulator = defineEmulatedProvider({
  id: 'arta',
  defaultKey: 'emu-arta-key',
  environment: () => ({}),
  handlers: () => [],
  endpointOf: () => 'unknown',
  errorBody: (_status, message) => ({ error: message }),
})
