// The module `llmkit --provider llmkit-provider-bfl/emulator --emulator` loads: the provider and its emulator.
export { bfl as provider } from './bfl-provider.js'
export { bflEmulator as emulator } from './bfl-emulator.js'
