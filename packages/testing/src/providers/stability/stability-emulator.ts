import { defineEmulatedProvider } from '../../server/emulated-provider'

// PLACEHOLDER: replaced by the stability emulator (see the provider's protocol document).
export const stabilityEmulator = defineEmulatedProvider({
  id: 'stability',
  defaultKey: 'emu-stability-key',
  environment: () => ({}),
  handlers: () => [],
  endpointOf: () => 'unknown',
  errorBody: (_status, message) => ({ error: message }),
})
