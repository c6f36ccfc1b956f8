import { defineEmulatedProvider } from '../../server/emulated-provider'

// PLACEHOLDER: replaced by the recraft emulator (see the provider's protocol document).
export const recraftEmulator = defineEmulatedProvider({
  id: 'recraft',
  defaultKey: 'emu-recraft-key',
  environment: () => ({}),
  handlers: () => [],
  endpointOf: () => 'unknown',
  errorBody: (_status, message) => ({ error: message }),
})
