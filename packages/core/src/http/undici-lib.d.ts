// The undici files core imports one by one (see undici-parts.ts); typed there from undici's own types.
declare module 'undici/lib/*' {
  const value: unknown
  export default value
}
