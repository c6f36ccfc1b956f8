import { defineEmulatedProvider } from '../../server/emulated-provider'

// PLACEHOLDER: replaced by the imagelabs emulator (see the provider's protocol document).
export const imagelabsEmulator = defineEmulatedProvider({
  id: 'imagelabs',
  defaultKey: 'emu-imagelabs-key',
  environment: () => ({}),
  handlers: () => [],
  endpointOf: () => 'unknown',
  errorBody: (_status, message) => ({ error: message }),
})
