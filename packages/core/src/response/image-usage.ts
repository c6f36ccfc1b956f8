/** Token or credit usage, as the provider reports it. */
export type ImageUsage = Readonly<Record<string, number>>
